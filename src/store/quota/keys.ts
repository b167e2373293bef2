import type { Dimension } from '../../core/limiter/index.js';

/**
 * Key scheme. Every key of one script shares a hash tag (`{...}`), so a script touches one Redis
 * Cluster slot: a pool's buckets, learned limits and pause live under `{prefix:pool:NAME}`.
 */
export interface QuotaKeys {
  bucket(pool: string, dim: Dimension): string;
  learned(pool: string): string;
  pause(pool: string): string;
  counter(key: string): string;
  record(key: string): string;
  instances(): string;
  /** One hash per tenant: its minute buckets and day/month counters. */
  tenant(name: string): string;
}

/** Braces inside a name would move the hash tag; they are replaced. */
function clean(name: string): string {
  return name.replace(/[{}]/g, '_');
}

export function createQuotaKeys(prefix = 'pacer'): QuotaKeys {
  const pool = (name: string) => `{${prefix}:pool:${clean(name)}}`;
  return {
    bucket: (name, dim) => `${pool(name)}:b:${dim}`,
    learned: (name) => `${pool(name)}:learned`,
    pause: (name) => `${pool(name)}:pause`,
    counter: (key) => `{${prefix}:budget:${clean(key)}}`,
    record: (key) => `{${prefix}:idem:${clean(key)}}`,
    instances: () => `{${prefix}:instances}`,
    tenant: (name) => `{${prefix}:tenant:${clean(name)}}`,
  };
}
