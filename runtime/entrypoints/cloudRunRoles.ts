/** Which paths each Cloud Run service of the shared bundle serves (pure; no app is built). */
/**
 * The same bundle runs as the public `api` service and the internal-only `worker` service
 * (NEXUS_ROLE). The public service must never serve the trigger paths — anyone could post forged
 * envelopes to /_nexus/consume — and the worker serves nothing else. Unset (tests, one-service
 * setups behind IAM): both.
 */
export function pathAllowed(role: string | undefined, url: string): boolean {
  const internal = url === '/_nexus' || url.startsWith('/_nexus/') || url.startsWith('/_nexus?');
  if (role === 'api') return !internal;
  if (role === 'worker') return internal;
  return true;
}
