/**
 * Notifier on Azure Web PubSub (ADR 0076): one Web PubSub group per (tenant, channel), named
 * `<tenant>~<channel>` (URI-encoded parts), so a client that joined its tenant's group for
 * `stream:Order-42` receives exactly those notifications. publish = HEAD groups/{group} (does
 * it have connections?) then groups/{group}/:send with the notification as JSON (the SDK's group(g).sendToAll). Web PubSub does not
 * report how many connections a message reached: publish returns 0 when the group is empty
 * (nothing sent) and 1 when the service accepted the message for a non-empty group ("at least
 * one"). Errors: 429/5xx → UnavailableError (Retry-After honoured), 413 → InvalidArgumentError.
 */
import type { WebPubSubServiceClient } from '@azure/web-pubsub';
import { InvalidArgumentError, UnavailableError } from '../../ports/errors';
import type { Notification, Notifier } from '../../ports/Notifier';

export interface WebPubSubNotifierOptions {
  /** A client bound to the manifest's hub. */
  readonly client: Pick<WebPubSubServiceClient, 'group' | 'groupExists'>;
}

const SERVICE = 'Azure Web PubSub';

const part = (s: string): string => encodeURIComponent(s).replace(/~/g, '%7E');
/** The Web PubSub group of (tenant, channel): both parts URI-encoded ("~" too), joined by "~". */
export const groupOf = (tenant: string, channel: string): string => `${part(tenant)}~${part(channel)}`;

export class WebPubSubNotifier implements Notifier {
  constructor(private readonly options: WebPubSubNotifierOptions) {}

  async publish(n: Notification): Promise<number> {
    if (typeof n.tenant !== 'string' || n.tenant.length === 0) throw new InvalidArgumentError('tenant', 'must be a non-empty string');
    if (typeof n.channel !== 'string' || n.channel.length === 0) throw new InvalidArgumentError('channel', 'must be a non-empty string');
    const group = groupOf(n.tenant, n.channel);
    const body = { type: n.type, channel: n.channel, payload: n.payload, sentAt: n.sentAt };
    try {
      if (!(await this.options.client.groupExists(group))) return 0;
      await this.options.client.group(group).sendToAll(body as unknown as Record<string, string>);
      return 1;
    } catch (err) {
      const s = typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : undefined;
      const message = err instanceof Error ? err.message : String(err);
      if (s === 413) throw new InvalidArgumentError('payload', `${SERVICE} rejected the notification for ${group} as too large: ${message}`);
      if (s === 408 || s === 429 || (typeof s === 'number' && s >= 500)) {
        const headers = (err as { response?: { headers?: { get(n: string): string | undefined } } }).response?.headers;
        const seconds = Number(headers?.get('retry-after'));
        throw new UnavailableError(SERVICE, `HTTP ${s} sending to ${group}: ${message}`, { cause: err, ...(Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {}) });
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    // The service client holds no connection.
  }
}
