/**
 * The gateway's side of object ownership: who may see a file, batch or stored response. An id the
 * caller does not own, whether another tenant's or one the gateway never saw, gets the upstream's
 * own not-found answer, made here without asking the upstream, so the two cases look the same.
 * A store failure is a 503 (never a guess).
 */
import { PacerError } from '../../core/errors.js';
import type { BatchInputSummary } from '../../core/openai/batch-input.js';
import { objectNotFound, type StoredObjectKind } from '../../core/openai/not-found.js';
import type { OwnerRecord, OwnerStore } from '../../store/owners/index.js';
import { apiError } from './api-error.js';

/** Stored responses live 30 days upstream; their records expire with them. */
export const RESPONSE_TTL_MS = 30 * 86_400_000;

export interface Ownership {
  readonly store: OwnerStore;
  /** The record of `id` owned by `tenant`, or the upstream's not-found answer for `kind`. */
  require(tenant: string, kind: StoredObjectKind, id: string): Promise<OwnerRecord>;
  /** The record of `id` when `tenant` owns it, else undefined. */
  ownedBy(tenant: string, id: string): Promise<OwnerRecord | undefined>;
  /** Records `tenant` as the owner of a new object; false when someone else already owns the id. */
  claim(
    tenant: string,
    id: string,
    extra?: { input?: BatchInputSummary | undefined; ttlMs?: number },
  ): Promise<boolean>;
  /** The ids among `ids` that `tenant` owns. */
  ownedAmong(tenant: string, ids: readonly string[]): Promise<Set<string>>;
  /** Forgets a deleted object (best effort: a failure is logged, the record then just lingers). */
  release(id: string): Promise<void>;
}

export function createOwnership(store: OwnerStore, log: (line: string) => void): Ownership {
  const unavailable = (err: unknown): PacerError => {
    log(
      JSON.stringify({ level: 'error', component: 'owners', error: (err as Error)?.message ?? String(err) }),
    );
    return new PacerError(
      'PACER_OWNER_STORE_UNAVAILABLE',
      'The gateway could not check who owns this object. Please try again shortly.',
      { retryAfterMs: 1000 },
    );
  };
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      throw unavailable(err);
    }
  };
  const ownedBy = async (tenant: string, id: string): Promise<OwnerRecord | undefined> => {
    const r = await guard(store.get(id));
    return r?.tenant === tenant ? r : undefined;
  };
  return {
    store,
    ownedBy,
    async require(tenant, kind, id) {
      const r = await ownedBy(tenant, id);
      if (!r) throw apiError(objectNotFound(kind, id));
      return r;
    },
    async claim(tenant, id, extra = {}) {
      const record: OwnerRecord = { tenant };
      if (extra.input !== undefined) record.input = extra.input;
      return (await guard(store.claim(id, record, extra.ttlMs))) === tenant;
    },
    async ownedAmong(tenant, ids) {
      const records = await guard(store.getMany(ids));
      const out = new Set<string>();
      records.forEach((r, i) => {
        if (r?.tenant === tenant) out.add(ids[i]!);
      });
      return out;
    },
    async release(id) {
      await store.release(id).catch((err: unknown) => void unavailable(err));
    },
  };
}
