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

/** A Chrome-like WebRTC offer: audio (opus) + the oai-events data channel. */
export const OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:8hhY',
  'a=ice-pwd:asd88fgpdd777uzjYhagZg3P',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:8hhY',
  'a=ice-pwd:asd88fgpdd777uzjYhagZg3P',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:1',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');
