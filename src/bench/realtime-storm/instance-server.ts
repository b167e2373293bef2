import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RealtimeHandlers } from '../../realtime/index.js';

export interface InstanceServer {
  url: string;
  close(): Promise<void>;
}

/** One app instance: the broker's handlers on a real loopback port, mounted as the gateway does. */
export async function serveInstance(handlers: RealtimeHandlers): Promise<InstanceServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/v1/realtime/client_secrets') void handlers.clientSecrets(req, res);
    else if (path === '/v1/realtime/calls') void handlers.calls(req, res);
    else res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => void handlers.upgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    async close() {
      handlers.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
