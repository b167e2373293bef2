import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { BucketPolicy, DimensionPolicy } from '../../core/limiter/index.js';
import { systemClock } from '../../platform/system.js';
import { emptyBudget, type BudgetState } from '../../core/tenancy/index.js';
import type { TenantBudgetStore } from './budget-types.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { createMemoryQuotaStore, type MemoryQuotaStore } from './memory.js';
import type { BucketChange, InstanceRegistry, QuotaStore, StoreStatus } from './types.js';

export interface DegradableQuotaStoreOptions {
  /** The shared store (Redis). */
  primary: QuotaStore & TenantBudgetStore;
  /** Where instances register (usually the same Redis store); without it N stays `defaultInstances`. */
  registry?: InstanceRegistry;
  /** This instance's id in the registry (default: a random UUID). */
  instanceId?: string;
  /** N to assume before the registry ever answered (default 1: set it to the fleet size). */
  defaultInstances?: number;
  /** Heartbeat period (default 2000 ms; a beat counts for 3 periods). */
  heartbeatMs?: number;
  /** While degraded, the shared store is tried again at most this often (default 1000 ms). */
  probeIntervalMs?: number;
  clock?: Clock;
  /** Called on every change between 'ok' and 'degraded' (for /readyz, a metric, a log line). */
  onStatus?: (status: StoreStatus) => void;
}

export interface DegradableQuotaStore extends QuotaStore, TenantBudgetStore {
  status(): StoreStatus;
  /** N: live instances last seen in the registry (or the default). */
  instances(): number;
}

/** A bucket holding 1/N of the burst and refilling at 1/N of the rate; the limit stays, so no cost turns "too large". */
function shareOf(policy: BucketPolicy, n: number): BucketPolicy {
  return { limit: policy.limit, capacity: policy.capacity / n, rate: policy.rate / n };
}

/**
 * Keeps an instance serving when the shared store is unreachable: every call goes to the primary;
 * when it fails the instance turns degraded and paces on a local 1/N share of every limit (N from
 * the heartbeat registry), probing the primary at most every `probeIntervalMs`. The first call
 * that succeeds (a probe or a heartbeat) switches back, and the local state is dropped.
 */
export function createDegradableQuotaStore(options: DegradableQuotaStoreOptions): DegradableQuotaStore {
  const { primary } = options;
  const clock = options.clock ?? systemClock;
  const probeIntervalMs = options.probeIntervalMs ?? 1000;
  let n = Math.max(1, options.defaultInstances ?? 1);
  let status: StoreStatus = { state: 'ok' };
  let local: MemoryQuotaStore | undefined;
  let lastProbe = 0;

  const setStatus = (next: StoreStatus): void => {
    status = next;
    options.onStatus?.(next);
  };
  // Each tenant's last budget answer from the primary: a degraded spell starts from its
  // day/month counters instead of from zero.
  const lastBudgets = new Map<string, BudgetState>();
  const markOk = (): void => {
    if (status.state === 'ok') return;
    const spell = local;
    local = undefined;
    setStatus({ state: 'ok' });
    // Budget usage counted locally goes back to the fleet's counters (best effort).
    if (spell)
      for (const [tenant, u] of spell.budgetUsage())
        if (u.dayRequests !== 0 || u.dayTokens !== 0 || u.dayUsd !== 0 || u.monthUsd !== 0)
          primary.mergeBudget(tenant, u).catch(() => undefined);
  };
  const markDegraded = (err: unknown): void => {
    lastProbe = clock.now();
    if (status.state === 'degraded') return;
    local = createMemoryQuotaStore({ clock });
    setStatus({
      state: 'degraded',
      reason: err instanceof Error ? err.message : String(err),
      since: lastProbe,
    });
  };
  const localStore = (): MemoryQuotaStore => (local ??= createMemoryQuotaStore({ clock }));

  async function call<T>(
    shared: () => Promise<T>,
    fallback: (store: MemoryQuotaStore) => Promise<T>,
  ): Promise<T> {
    if (status.state === 'degraded') {
      if (clock.now() - lastProbe < probeIntervalMs) return fallback(localStore());
      lastProbe = clock.now();
    }
    try {
      const r = await shared();
      markOk();
      return r;
    } catch (err) {
      markDegraded(err);
      return fallback(localStore());
    }
  }

  const sharePolicies = (policies: readonly DimensionPolicy[]): DimensionPolicy[] =>
    policies.map((p) => ({ ...p, policy: shareOf(p.policy, n) }));
  const shareChanges = (changes: readonly BucketChange[], scaleAmount: boolean): BucketChange[] =>
    changes.map((c) => ({
      ...c,
      policy: shareOf(c.policy, n),
      amount: scaleAmount ? c.amount / n : c.amount,
    }));

  const rememberBudget = <T extends { state: BudgetState | undefined }>(tenant: string, r: T): T => {
    if (r.state) lastBudgets.set(tenant, r.state);
    return r;
  };
  // Minute budgets on a 1/N share, like the pool buckets; calendar counters from the last answer.
  const localBudgets = (s: MemoryQuotaStore, tenant: string): MemoryQuotaStore => {
    const known = lastBudgets.get(tenant);
    if (known) s.primeBudget(tenant, known);
    return s;
  };

  let heartbeat: Heartbeat | undefined;
  if (options.registry) {
    heartbeat = startHeartbeat({
      registry: options.registry,
      id: options.instanceId ?? `pacer-${randomUUID()}`,
      ...(options.heartbeatMs !== undefined ? { intervalMs: options.heartbeatMs } : {}),
      onCount: (count) => {
        n = Math.max(1, count);
        markOk();
      },
      onError: markDegraded,
    });
  }

  return {
    status: () => status,
    instances: () => n,
    takeAll: (pool, policies, cost, share = 0) =>
      call(
        () => primary.takeAll(pool, policies, cost, share),
        (s) => s.takeAll(pool, sharePolicies(policies), cost, share),
      ),
    // The local queue feeds the local share: ahead and cost stay whole, the buckets are 1/N.
    startWait: (pool, policies, ahead, cost, share = 0) =>
      call(
        () => primary.startWait(pool, policies, ahead, cost, share),
        (s) => s.startWait(pool, sharePolicies(policies), ahead, cost, share),
      ),
    // A refund or charge is real usage: applied whole to the local share.
    adjust: (pool, changes) =>
      call(
        () => primary.adjust(pool, changes),
        (s) => s.adjust(pool, shareChanges(changes, false)),
      ),
    // The upstream's "remaining" is the fleet's: this instance may use 1/N of it.
    tighten: (pool, changes) =>
      call(
        () => primary.tighten(pool, changes),
        (s) => s.tighten(pool, shareChanges(changes, true)),
      ),
    levels: (pool, policies) =>
      call(
        () => primary.levels(pool, policies),
        (s) => s.levels(pool, sharePolicies(policies)),
      ),
    pause: (pool, ms) =>
      call(
        () => primary.pause(pool, ms),
        (s) => s.pause(pool, ms),
      ),
    pausedFor: (pool) =>
      call(
        () => primary.pausedFor(pool),
        (s) => s.pausedFor(pool),
      ),
    setLearned: (pool, limits) =>
      call(
        () => primary.setLearned(pool, limits),
        (s) => s.setLearned(pool, limits),
      ),
    getLearned: (pool) =>
      call(
        () => primary.getLearned(pool),
        (s) => s.getLearned(pool),
      ),
    // Spend already counted in Redis is out of sight: the local window may use 1/N of the budget.
    incrWithin: (key, amount, windowMs, limit) =>
      call(
        () => primary.incrWithin(key, amount, windowMs, limit),
        (s) => s.incrWithin(key, amount, windowMs, limit / n),
      ),
    setIfAbsent: (key, value, ttlMs) =>
      call(
        () => primary.setIfAbsent(key, value, ttlMs),
        (s) => s.setIfAbsent(key, value, ttlMs),
      ),
    get: (key) =>
      call(
        () => primary.get(key),
        (s) => s.get(key),
      ),
    chargeBudget: (tenant, plan, tokens) =>
      call(
        async () => rememberBudget(tenant, await primary.chargeBudget(tenant, plan, tokens)),
        (s) => localBudgets(s, tenant).chargeBudget(tenant, plan, tokens, 1 / n),
      ),
    settleBudget: (tenant, plan, deltaTokens, usd) =>
      call(
        async () => rememberBudget(tenant, await primary.settleBudget(tenant, plan, deltaTokens, usd)),
        (s) => localBudgets(s, tenant).settleBudget(tenant, plan, deltaTokens, usd, 1 / n),
      ),
    readBudget: (tenant) =>
      call(
        () => primary.readBudget(tenant),
        async (s) => ({ ...(await localBudgets(s, tenant).readBudget(tenant)), share: 1 / n }),
      ),
    // Unreachable at start: the ledger's dollars start the local counters as known history (a
    // baseline, so they are not merged into the shared ones on recovery).
    seedBudget: (tenant, dayUsd, monthUsd) =>
      call(
        () => primary.seedBudget(tenant, dayUsd, monthUsd),
        async (s) => {
          s.primeBudget(tenant, { ...emptyBudget(clock.now()), dayUsd, monthUsd });
          return false;
        },
      ),
    mergeBudget: (tenant, usage) =>
      call(
        () => primary.mergeBudget(tenant, usage),
        (s) => s.mergeBudget(tenant, usage),
      ),
    async close() {
      await heartbeat?.stop();
      await primary.close();
    },
  };
}
