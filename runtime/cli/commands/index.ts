/**
 * Every `nexus` subcommand module, registered in one place. Each module exports
 * `register(program)`; add one line per module.
 */
import type { Command } from 'commander';

type Registrar = (program: Command) => void;
const registrars: Registrar[] = [
  // (one entry per command module, e.g. require('./schemas').register)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./schemas') as typeof import('./schemas')).register,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./plan') as typeof import('./plan')).register,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./token') as typeof import('./token')).register,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./projections') as typeof import('./projections')).register,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./dlq') as typeof import('./dlq')).register,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./migrate') as typeof import('./migrate')).register,
];

export function registerAll(program: Command): void {
  for (const register of registrars) register(program);
}
