import type { RealtimeSession } from './session-config.js';

export interface EphemeralKey {
  value: string;
  /** Unix ms after which the key opens no new session. */
  expiresAtMs: number;
  /** The session config the key carries; sessions opened with it start from a copy. */
  session: RealtimeSession;
}

export interface SecretStore {
  add(key: EphemeralKey): void;
  /** The key if it was minted here and has not expired. */
  lookup(value: string): EphemeralKey | undefined;
  /** Calls created over /v1/realtime/calls, so a sideband WS can attach with ?call_id=. */
  addCall(callId: string, session: RealtimeSession): void;
  findCall(callId: string): RealtimeSession | undefined;
}

/** Bounded in-memory ephemeral keys: expired ones are swept as new ones arrive. */
export function createSecretStore(now: () => number, maxKeys = 100_000): SecretStore {
  const keys = new Map<string, EphemeralKey>();
  const calls = new Map<string, RealtimeSession>();
  const sweep = (): void => {
    const t = now();
    for (const [v, k] of keys) if (k.expiresAtMs <= t) keys.delete(v);
    // Still full of live keys: drop the oldest (Map keeps insertion order).
    for (const v of keys.keys()) {
      if (keys.size < maxKeys) break;
      keys.delete(v);
    }
  };
  return {
    add(key) {
      if (keys.size >= maxKeys) sweep();
      keys.set(key.value, key);
    },
    lookup(value) {
      const k = keys.get(value);
      return k && k.expiresAtMs > now() ? k : undefined;
    },
    addCall(callId, session) {
      if (calls.size >= maxKeys) calls.delete(calls.keys().next().value as string);
      calls.set(callId, session);
    },
    findCall: (callId) => calls.get(callId),
  };
}
