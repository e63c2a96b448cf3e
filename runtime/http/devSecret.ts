/** The local stack's HS256 secret, kept in `<dir>/dev-jwt-secret` (mode 0600) so tokens survive restarts. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newDevSecret } from './auth';

export const DEV_SECRET_FILE = 'dev-jwt-secret';

/** Reads the dev secret from `dir`, creating the directory and the secret when missing. */
export function devSecret(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, DEV_SECRET_FILE);
  if (existsSync(file)) {
    const s = readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  }
  const secret = newDevSecret();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
