/** Virtual keys -> tenants. Demo mode (no tenants configured) serves one tenant `demo`. */
import type { IncomingMessage } from 'node:http';
import { PacerError } from '../core/errors.js';
import type { GatewayConfig } from './config.js';
import { bearerOf } from './http.js';

export interface Principal {
  tenant: string;
  /** Weighted fair share of the tenant (from its plan). */
  weight: number;
  /** Models the tenant's plan allows; undefined = all. */
  models: readonly string[] | undefined;
}

/** A key store (e.g. keys made with `pacer keys create`) can answer what the config does not. */
export type KeyLookup = (key: string) => Principal | undefined;

export interface Authenticator {
  readonly demo: boolean;
  authenticate(req: IncomingMessage): Principal;
}

export function createAuth(config: GatewayConfig, lookup?: KeyLookup): Authenticator {
  const tenants = Object.entries(config.tenants);
  const demo = tenants.length === 0 && lookup === undefined;
  const byKey = new Map<string, Principal>();
  if (demo) byKey.set(config.demo_key, { tenant: 'demo', weight: 1, models: undefined });
  for (const [name, t] of tenants) {
    const plan = t.plan === undefined ? undefined : config.plans[t.plan];
    const principal: Principal = {
      tenant: name,
      weight: t.weight ?? plan?.weight ?? 1,
      models: plan?.models,
    };
    for (const key of t.keys) byKey.set(key, principal);
  }
  return {
    demo,
    authenticate(req) {
      const key = bearerOf(req);
      if (key === undefined || key === '') {
        throw new PacerError(
          'PACER_INVALID_API_KEY',
          "You didn't provide an API key. Send it as `Authorization: Bearer <key>` or `api-key: <key>`.",
        );
      }
      const principal = byKey.get(key) ?? lookup?.(key);
      if (!principal)
        throw new PacerError('PACER_INVALID_API_KEY', `Incorrect API key provided: ${maskKey(key)}.`);
      return principal;
    },
  };
}

/** Shows enough of a key to recognise it, never the whole key. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(12, key.length - 7))}${key.slice(-4)}`;
}
