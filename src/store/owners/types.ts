import type { BatchInputSummary } from '../../core/openai/batch-input.js';

/**
 * Which tenant owns an upstream object (file, batch, stored response). Every object is created
 * with the gateway's one upstream key, so the upstream cannot tell tenants apart: the gateway
 * records the owner when it relays the creation and checks it on every later access.
 */
export interface OwnerRecord {
  tenant: string;
  /** For an uploaded batch input file: what its lines ask for (checked at POST /v1/batches). */
  input?: BatchInputSummary;
}

/** The port: memory (tests, one process), SQLite (one machine, survives restarts), Redis (a fleet). */
export interface OwnerStore {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  /**
   * Records the owner of `id` unless the id already has one (ids are the upstream's and unique,
   * so the first claim wins and a later one never moves an object). Resolves to the owner's
   * tenant after the call. `ttlMs` makes the record expire (a stored response lives 30 days).
   */
  claim(id: string, record: OwnerRecord, ttlMs?: number): Promise<string>;
  get(id: string): Promise<OwnerRecord | undefined>;
  /** The records of `ids`, in order (undefined where there is none). */
  getMany(ids: readonly string[]): Promise<(OwnerRecord | undefined)[]>;
  /** Forgets `id` (the object was deleted upstream). */
  release(id: string): Promise<void>;
  close(): Promise<void>;
}
