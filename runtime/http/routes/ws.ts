/**
 * GET /ws — the local real-time endpoint (scope queries:read). The upgrade is authenticated
 * like any route (Authorization header, or `?access_token=` for browsers); the socket is then
 * bound to the token's tenant and speaks the WebSocketNotifier protocol
 * (`{"action":"subscribe","channel":"stream:Order-42"|"projection:orderSummary"}`).
 */
import websocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';

export interface WebSocketRouteOptions {
  /** The notifier that owns the sockets (WebSocketNotifier locally). */
  readonly notifier: { attach(socket: WebSocket, tenant: string): void };
}

export const webSocketRoutes: FastifyPluginAsync<WebSocketRouteOptions> = async (app, { notifier }) => {
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // A refused upgrade (401/403) is answered on the raw socket, which nothing closes afterwards:
  // close it, or every rejected client holds a connection open (and server shutdown waits on it).
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400 && request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket?.destroy();
  });
  app.get('/ws', {
    websocket: true,
    config: { scopes: ['queries:read'] },
    schema: { hide: true },
  }, (socket, request) => {
    notifier.attach(socket, request.auth.tenant);
    socket.send(JSON.stringify({ type: 'welcome', tenant: request.auth.tenant }));
  });
};
