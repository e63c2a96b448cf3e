/**
 * `nexus token`: mints a development JWT signed with the local stack's HS256 secret
 * (`.nexus/dev-jwt-secret`, the one `npm start` uses), for any tenant and scopes.
 */
import type { Command } from 'commander';
import { SCOPES, mintToken } from '../../http/auth';
import { devSecret } from '../../http/devSecret';

export function register(program: Command): void {
  program
    .command('token')
    .description('mint a development token for the local stack (HS256, secret in <dir>/dev-jwt-secret)')
    .option('--tenant <tenant>', 'tenant claim', 'dev')
    .option('--scopes <scopes>', `space- or comma-separated scopes (${SCOPES.join(', ')})`, SCOPES.join(' '))
    .option('--subject <sub>', 'subject (the actor stamped on events)', 'developer')
    .option('--expires <span>', 'lifetime, e.g. 15m, 12h, 7d', '24h')
    .option('--dir <dir>', 'local state directory', '.nexus')
    .action(async (opts: { tenant: string; scopes: string; subject: string; expires: string; dir: string }) => {
      const scopes = opts.scopes.split(/[\s,]+/).filter(Boolean);
      const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) throw new Error(`unknown scope(s) ${unknown.join(', ')}; expected ${SCOPES.join(', ')}`);
      const token = await mintToken(devSecret(opts.dir), { tenant: opts.tenant, scopes, subject: opts.subject, expiresIn: opts.expires });
      console.log(token);
    });
}
