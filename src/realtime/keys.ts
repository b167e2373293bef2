import { createHash } from 'node:crypto';
import { KEY_PREFIX } from '../store/realtime/types.js';

/** JSON with sorted object keys, so the same session config always hashes the same. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

/** Hashes the parts with a separator no part can forge (each is length-prefixed). */
export function hashParts(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.length}:${p}`);
  return h.digest('base64url').slice(0, 32);
}

/** Store keys; tenant and user never appear raw (no delimiter tricks, no PII in key names). */
export const rtKeys = {
  upstreamBucket: (name: string) => `${KEY_PREFIX}upstream:${name}`,
  userBucket: (tenant: string, user: string) => `${KEY_PREFIX}user:${hashParts(tenant, user)}`,
  tenantSessions: (tenant: string) => `${KEY_PREFIX}sessions:${hashParts(tenant)}`,
  secret: (tenant: string, user: string, configHash: string) =>
    `${KEY_PREFIX}secret:${hashParts(tenant, user, configHash)}`,
  tickets: (tenant: string, user: string) => `${KEY_PREFIX}tickets:${hashParts(tenant, user)}`,
  flightLock: (cacheKey: string) => `${cacheKey}:lock`,
  flightResult: (cacheKey: string, flightId: string) => `${cacheKey}:result:${flightId}`,
};
