import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRealtimeHandlers,
  type RealtimeBroker,
  type RealtimeHandlers,
} from '../../src/realtime/index.js';

export const SERVER_KEY = 'sk-server-test-key';

/** Virtual keys of the test: key -> tenant. */
export const KEYS: Record<string, string> = { 'vk-acme': 'acme', 'vk-globex': 'globex' };

export interface Mounted {
  url: string;
  port: number;
  handlers: RealtimeHandlers;
  close(): Promise<void>;
}

let tls: { key: Buffer; cert: Buffer } | undefined;
/** A throwaway self-signed certificate: the SDK's Realtime client always speaks wss://. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  if (tls) return tls;
  const dir = mkdtempSync(join(tmpdir(), 'pacer-rt-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tls = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  rmSync(dir, { recursive: true, force: true });
  return tls;
}

/** Mounts the broker's handlers on a real server on 127.0.0.1:0, as the gateway would. */
export async function mount(broker: RealtimeBroker, opts: { https?: boolean } = {}): Promise<Mounted> {
  const handlers = createRealtimeHandlers(broker, {
    authenticate: (_req, key) => (key && KEYS[key] ? { tenant: KEYS[key], keyId: key } : null),
  });
  const onRequest: Parameters<typeof createHttp>[1] = (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/v1/realtime/client_secrets') void handlers.clientSecrets(req, res);
    else if (path === '/v1/realtime/calls') void handlers.calls(req, res);
    else {
      res.writeHead(404).end();
    }
  };
  const server: Server = opts.https ? createHttps(selfSigned(), onRequest) : createHttp(onRequest);
  server.on('upgrade', (req, socket, head) => void handlers.upgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    port,
    handlers,
    async close() {
      handlers.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A Chrome offer (audio + the oai-events data channel): the simulator tests' fixture. */
export { CHROME_OFFER as OFFER } from '../simulator/fixtures/chrome-offer.js';
