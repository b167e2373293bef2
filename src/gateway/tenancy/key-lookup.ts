/**
 * The key store as a KeyLookup. The SQLite file is opened only once it exists (the gateway never
 * creates it), and every lookup reads it, so `pacer keys revoke` takes effect at once.
 */
import { existsSync } from 'node:fs';
import { openKeyStore } from '../../store/keys/key-store.js';
import type { KeyStore } from '../../store/keys/key-store.js';
import { principalOf } from '../auth.js';
import type { KeyLookup } from '../auth.js';
import type { GatewayConfig } from '../config.js';
import { resolvePlans } from './plans.js';

export interface KeyStoreLookup {
  lookup: KeyLookup;
  /** Live keys in the store at start (decides demo mode). */
  hasKeys: boolean;
  /** Tenants that have live keys in the store. */
  tenants(): string[];
  close(): void;
}

export function createKeyStoreLookup(config: GatewayConfig): KeyStoreLookup {
  const path = config.keys_db;
  const plans = resolvePlans(config);
  const restricted = Object.keys(config.tenants).length > 0;
  let store: KeyStore | undefined;
  const open = (): KeyStore | undefined => {
    if (store === undefined && existsSync(path)) store = openKeyStore(path);
    return store;
  };
  const initial = open();
  const hasKeys = initial !== undefined && initial.list().some((k) => k.revokedAt === null);
  return {
    hasKeys,
    lookup(key) {
      if (!key.startsWith('pk-')) return undefined;
      const rec = open()?.lookup(key);
      if (!rec) return undefined;
      // With tenants configured, only their keys are accepted (SPEC).
      if (restricted && !(rec.tenant in config.tenants)) return undefined;
      return principalOf(config, plans, rec.tenant, rec.plan, rec.id);
    },
    tenants: () => [
      ...new Set((open()?.list() ?? []).filter((k) => k.revokedAt === null).map((k) => k.tenant)),
    ],
    close() {
      store?.close();
      store = undefined;
    },
  };
}
