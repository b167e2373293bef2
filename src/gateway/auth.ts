/**
 * Virtual keys -> tenants. Keys come from the config (static) and from the key store (`pacer keys
 * create`). Demo mode (no tenants configured and no key in the store) serves one tenant `demo`.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PacerError } from '../core/errors.js';
import type { GatewayConfig } from './config.js';
import { bearerOf } from './http.js';
import { resolvePlans } from './tenancy/plans.js';
import type { ResolvedPlan } from './tenancy/plans.js';

export interface Principal {
  tenant: string;
  /** Weighted fair share of the tenant (from its plan). */
  weight: number;
  /** Models the tenant's plan allows; undefined = all. */
  models: readonly string[] | undefined;
  /** Key id for the ledger (never the key): the store's id, or `cfg_` + a hash prefix. */
  keyId?: string;
  /** The plan in force (a store key's own plan overrides the tenant's); undefined = no budgets. */
  plan?: ResolvedPlan;
}

/** A key store (e.g. keys made with `pacer keys create`) can answer what the config does not. */
export type KeyLookup = (key: string) => Principal | undefined;

export interface Authenticator {
  readonly demo: boolean;
  authenticate(req: IncomingMessage): Principal;
  /** The principal of a key found elsewhere (e.g. a WebSocket subprotocol); undefined when unknown. */
  principalFor(key: string): Principal | undefined;
}

export interface AuthOptions {
  /** Whether the key store holds live keys at start (no demo mode then). Default: lookup given. */
  storeHasKeys?: boolean;
}

export function staticKeyId(key: string): string {
  return 'cfg_' + createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** The principal of a tenant with a plan name (or the tenant's own plan when null/unknown). */
export function principalOf(
  config: GatewayConfig,
  plans: ReadonlyMap<string, ResolvedPlan>,
  tenant: string,
  planName: string | null | undefined,
  keyId: string,
): Principal {
  const t = config.tenants[tenant];
  const plan =
    (planName ? plans.get(planName) : undefined) ?? (t?.plan === undefined ? undefined : plans.get(t.plan));
  const p: Principal = {
    tenant,
    weight: t?.weight ?? plan?.plan.weight ?? 1,
    models: plan?.plan.models,
    keyId,
  };
  if (plan) p.plan = plan;
  return p;
}

export function createAuth(config: GatewayConfig, lookup?: KeyLookup, opts: AuthOptions = {}): Authenticator {
  const tenants = Object.keys(config.tenants);
  const storeHasKeys = opts.storeHasKeys ?? lookup !== undefined;
  const demo = tenants.length === 0 && !storeHasKeys;
  const plans = resolvePlans(config);
  const byKey = new Map<string, Principal>();
  if (demo) byKey.set(config.demo_key, { tenant: 'demo', weight: 1, models: undefined, keyId: 'demo' });
  for (const name of tenants) {
    for (const key of config.tenants[name]?.keys ?? [])
      byKey.set(key, principalOf(config, plans, name, null, staticKeyId(key)));
  }
  const principalFor = (key: string): Principal | undefined => byKey.get(key) ?? lookup?.(key);
  return {
    demo,
    principalFor,
    authenticate(req) {
      const key = bearerOf(req);
      if (key === undefined || key === '') {
        throw new PacerError(
          'PACER_INVALID_API_KEY',
          "You didn't provide an API key. Send it as `Authorization: Bearer <key>` or `api-key: <key>`.",
        );
      }
      const principal = principalFor(key);
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
