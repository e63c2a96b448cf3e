/** The `nexus` CLI: one commander program; each area registers its commands from ./commands. */
import { Command } from 'commander';
import { registerAll } from './commands';

export function buildProgram(): Command {
  const program = new Command('nexus')
    .description('Nexus: event sourcing on AWS, GCP, Azure, self-hosted or the local stack')
    .showHelpAfterError()
    .exitOverride();
  registerAll(program);
  return program;
}

if (require.main === module || process.argv[1]?.endsWith('nexus.js')) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const e = err as { code?: string; exitCode?: number; message?: string };
      if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 1);
      console.error(`nexus: ${e.message ?? String(err)}`);
      process.exit(typeof e.exitCode === 'number' ? e.exitCode : 1);
    });
}
