import type { ServerResponse } from 'node:http';
import { sendError } from '../batches/http.js';
import type { MintDecision, RealtimeDeps } from './deps.js';
import type { EphemeralKey } from './secret-store.js';

export type KeyKind = { kind: 'server' } | { kind: 'ephemeral'; key: EphemeralKey } | { kind: 'invalid' };

/** ek_ keys must have been minted here and still be live; anything else must be a server key. */
export function classifyKey(deps: RealtimeDeps, key: string): KeyKind {
  if (key.startsWith('ek_')) {
    const found = deps.secrets.lookup(key);
    return found ? { kind: 'ephemeral', key: found } : { kind: 'invalid' };
  }
  return deps.isServerKey(key) ? { kind: 'server' } : { kind: 'invalid' };
}

/** The real-looking 429 for --mint-rpm: requests type, retry-after (and -ms when enabled). */
export function sendMintLimited(
  res: ServerResponse,
  deps: RealtimeDeps,
  decision: Extract<MintDecision, { ok: false }>,
): void {
  sendError(res, 429, decision.message, {
    type: 'requests',
    code: 'rate_limit_exceeded',
    headers: deps.retryHeaders(decision.retryAfterMs),
  });
}
