/**
 * Notifier port: pushes a message to every client subscribed to a tenant's channel
 * (`stream:<streamName>` or `projection:<name>`). Local: WebSocket; clouds: API Gateway
 * WebSocket, Cloud Run WebSocket service, Azure Web PubSub.
 */
export interface Notification {
  readonly tenant: string;
  /** e.g. "stream:Order-42" or "projection:orderSummary". */
  readonly channel: string;
  readonly type: string;
  readonly payload: unknown;
  /** ISO time the notification was produced (for latency measurement). */
  readonly sentAt: string;
}

export interface Notifier {
  /** Delivers to current subscribers of (tenant, channel); returns how many were reached. */
  publish(notification: Notification): Promise<number>;
  close(): Promise<void>;
}
