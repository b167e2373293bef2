import type { Clock, Rng } from '../core/clock.js';
import type { Cost, TakeAllResult } from '../core/limiter/take-all.js';
import { findModel, poolOf } from '../core/models.js';
import { recordUse } from '../core/queue/fair-share.js';
import { earliestDeadline, enqueue, head, remove, type QueueItem } from '../core/queue/queue.js';
import { breakerAdmit, breakerMode } from '../core/retry/breaker.js';
import { depositRequest } from '../core/retry/budget.js';
import { systemClock, systemRng } from '../platform/system.js';
import { demoteBlocked, yieldsReserve } from './held-out.js';
import { createLease } from './lease.js';
import { refuseEarly, tooLargeMessage } from './refusals.js';
import { decidePoolRetry } from './retry.js';
import { createMemoryStore } from './memory-store.js';
import { observePool } from './observe.js';
import { resolveSettings } from './settings.js';
import { createFleetSync, isPauseStale, type SharedPoolState } from './shared.js';
import { askStartWait, deadlineRefusal, shedOnFirstDenial } from './start-check.js';
import { createWakeTimer } from './wake-timer.js';
import { gate, settleWaiter, shed, shedAll, shedExpired, startEstimate } from './waiters.js';
import {
  createPool,
  snapshotPool,
  isKnown,
  recordDispatch,
  reserveShareOf,
  type PoolRuntime,
  type Waiter,
} from './pool.js';
import { isPromise, type QuotaStore } from './store.js';
import { systemTimers, type Timers } from './timers.js';
import type {
  AcquireRequest,
  AcquireResult,
  EngineOptions,
  Lease,
  PacingEngine,
  PoolSnapshot,
  RetryContext,
  RetryDecision,
  UpstreamObservation,
} from './types.js';

export interface EngineDeps {
  clock?: Clock;
  rng?: Rng;
  timers?: Timers;
  store?: QuotaStore;
  /**
   * Fleet mode: pauses after a 429 and learned limits shared with other instances (the shared
   * QuotaStore of src/store/quota). Also means the buckets are shared: the local mirror may be
   * stale, so requests are shed on the store's answer (its take or startWait), never on the mirror.
   */
  shared?: SharedPoolState;
}

/**
 * The pacing engine: holds pool state (buckets through a QuotaStore port), runs the admission
 * queue with one timer, and answers acquire/observe/retryDecision for the gateway and library.
 */
export function createEngine(options: EngineOptions = {}, deps: EngineDeps = {}): PacingEngine {
  const clock = deps.clock ?? systemClock;
  const rng = deps.rng ?? systemRng;
  const timers = deps.timers ?? systemTimers;
  const store = deps.store ?? createMemoryStore();
  const shared = deps.shared;
  const settings = resolveSettings(options);
  const { knobs, reservedShare, refundUnused } = settings;
  const leaseHooks = {
    adjust: (pool: PoolRuntime, delta: Cost) =>
      apply(pool, store.adjust(pool.name, clock.now(), delta, pool.policies)),
    wake: (pool: PoolRuntime) => pump(pool),
  };

  const modelToPool = new Map<string, string>();
  const pools = new Map<string, PoolRuntime>();
  for (const [name, cfg] of Object.entries(options.pools ?? {})) {
    const { models, ...limits } = cfg;
    const pool = createPool(name, limits, knobs, settings.budget, clock.now(), refundUnused);
    pools.set(name, pool);
    for (const m of models) modelToPool.set(m, name);
  }

  let nextId = 1;
  let closed = false;
  const fleet = shared
    ? createFleetSync({ shared, clock, settings, pump: (p) => pump(p), isClosed: () => closed })
    : undefined;
  for (const p of pools.values()) fleet?.loadLearned(p);
  const startCheck = {
    store,
    clock,
    reservedShare,
    share: settings.share,
    pump: (p: PoolRuntime) => pump(p),
  };
  const wakeTimer = createWakeTimer(clock, timers, () => {
    const now = clock.now();
    for (const p of pools.values()) if (p.wakeAt <= now) pump(p);
    schedule();
  });

  function poolFor(model: string): string {
    const configured = modelToPool.get(model);
    if (configured !== undefined) return configured;
    const info = findModel(model);
    return info ? poolOf(info) : model;
  }

  function getPool(name: string): PoolRuntime {
    let p = pools.get(name);
    if (!p) {
      pools.set(name, (p = createPool(name, {}, knobs, settings.budget, clock.now(), refundUnused)));
      fleet?.loadLearned(p);
    }
    return p;
  }

  function apply(pool: PoolRuntime, r: ReturnType<QuotaStore['adjust']>): void {
    const policies = pool.policies;
    if (isPromise(r)) {
      r.then(
        (states) => {
          if (policies === pool.policies) pool.mirror = states;
        },
        () => undefined,
      );
    } else pool.mirror = r;
  }

  /** The units are taken: count the dispatch and hand out its lease. */
  function grant(pool: PoolRuntime, tenant: string, weight: number, tokens: number, now: number): Lease {
    const adm = breakerAdmit(pool.breaker, now);
    pool.breaker = adm.state;
    const probe = adm.state.probeInFlight && breakerMode(adm.state, now) === 'half_open';
    pool.inFlight++;
    pool.budget = depositRequest(pool.budget, now, settings.budget);
    recordDispatch(pool, now, tokens, settings.logKeepMs);
    recordUse(pool.shares, tenant, weight, tokens, now, settings.share);
    return createLease(pool, tokens, probe, leaseHooks);
  }

  function dispatch(pool: PoolRuntime, w: Waiter, now: number): void {
    const { tenant, weight, tokens, enqueuedAt } = w.item;
    const lease = grant(pool, tenant, weight, tokens, now);
    settleWaiter(pool, w, { ok: true, lease, queuedMs: now - enqueuedAt }, true);
  }

  /**
   * Nothing queued and a synchronous store: try the buckets at once, with no waiter, queue entry
   * or abort listener (the common case below saturation). Null: go through the queue.
   */
  function admitDirectly(
    pool: PoolRuntime,
    req: AcquireRequest,
    tokens: number,
    weight: number,
    now: number,
  ): AcquireResult | null {
    if (!store.synchronous || shared || pool.queue.size > 0 || pool.pumping || gate(pool, now) !== 0)
      return null;
    const r = store.take(
      pool.name,
      now,
      { requests: 1, tokens },
      pool.policies,
      reserveShareOf(pool, req, reservedShare, settings.share),
    ) as TakeAllResult;
    pool.mirror = r.states;
    if (!r.allowed) return null;
    return { ok: true, lease: grant(pool, req.tenant, weight, tokens, now), queuedMs: 0 };
  }

  /** Handles a take result: 0 when the loop may go on with the next head, else when to look again. */
  function onTake(pool: PoolRuntime, item: QueueItem, r: TakeAllResult, now: number): number {
    if (r.allowed) {
      const w = pool.waiters.get(item.id);
      if (w) dispatch(pool, w, now);
      else {
        // It left (aborted, shed) while the store answered: give the units back.
        remove(pool.queue, item);
        apply(pool, store.adjust(pool.name, now, { requests: 1, tokens: item.tokens }, pool.policies));
      }
      return 0;
    }
    if (r.tooLarge) {
      const w = pool.waiters.get(item.id);
      if (w) shed(pool, w, 'too_large', 0, tooLargeMessage(pool, item.tokens));
      else remove(pool.queue, item);
      return 0;
    }
    return now + r.waitMs;
  }

  function pump(pool: PoolRuntime): void {
    if (pool.pumping || closed) return;
    let wake = Infinity;
    for (;;) {
      const now = clock.now();
      shedExpired(pool, now, false, reservedShare, settings.share);
      const item = head(pool.queue);
      if (!item) break;
      if (fleet && isPauseStale(pool.sharedPause, now)) return fleet.refreshPause(pool);
      let blocked = gate(pool, now);
      if (blocked === 0 && yieldsReserve(pool, item, reservedShare, settings.share)) continue;
      if (blocked === 0) {
        const r = store.take(
          pool.name,
          now,
          { requests: 1, tokens: item.tokens },
          pool.policies,
          reserveShareOf(pool, item, reservedShare, settings.share),
        );
        if (isPromise(r)) {
          pool.pumping = true;
          const policies = pool.policies;
          r.then(
            (res) => {
              pool.pumping = false;
              if (policies === pool.policies) pool.mirror = res.states;
              const at = clock.now();
              let blocked = onTake(pool, item, res, at);
              if (blocked !== 0 && shedOnFirstDenial(pool, item, res.waitMs, at)) blocked = 0;
              if (blocked !== 0 && demoteBlocked(pool, item, settings.share)) blocked = 0;
              // Blocked: wait for the store's time, never ask again at once (a store answering
              // from memory would spin on microtasks and starve the event loop).
              if (blocked === 0 || head(pool.queue) !== item || closed) pump(pool);
              else park(pool, at, blocked);
            },
            () => {
              pool.pumping = false;
              const w = pool.waiters.get(item.id);
              if (w) shed(pool, w, 'closed', 1000, 'The quota store is unavailable.');
              pump(pool);
            },
          );
          return;
        }
        pool.mirror = r.states;
        blocked = onTake(pool, item, r, now);
        if (
          blocked === 0 ||
          shedOnFirstDenial(pool, item, r.waitMs, now) ||
          demoteBlocked(pool, item, settings.share)
        )
          continue;
      }
      // The head cannot start now, so nothing can: whatever is due now misses its deadline.
      if (shedExpired(pool, now, true, reservedShare, settings.share) > 0) continue;
      const d = earliestDeadline(pool.queue);
      wake = Math.min(blocked, d ? d.deadline : Infinity);
      break;
    }
    pool.wakeAt = wake;
    schedule();
  }

  /** The head is blocked until `blocked`: shed what is due, then sleep until the next event. */
  function park(pool: PoolRuntime, now: number, blocked: number): void {
    if (shedExpired(pool, now, true, reservedShare, settings.share) > 0) return pump(pool);
    const d = earliestDeadline(pool.queue);
    pool.wakeAt = Math.min(blocked, d ? d.deadline : Infinity);
    schedule();
  }

  function schedule(): void {
    let at = Infinity;
    if (!closed) for (const p of pools.values()) if (p.wakeAt < at) at = p.wakeAt;
    wakeTimer.arm(at);
  }

  function acquire(req: AcquireRequest): Promise<AcquireResult> {
    const pool = getPool(req.pool);
    const now = clock.now();
    // A non-finite estimate would poison the buckets (NaN never compares): count it as 0.
    const tokens = Number.isFinite(req.tokens) ? Math.max(0, Math.ceil(req.tokens)) : 0;
    const early = refuseEarly(req, pool, tokens, now, closed);
    if (early) return Promise.resolve(early);
    const weight = req.weight !== undefined && req.weight > 0 ? req.weight : 1;
    const direct = admitDirectly(pool, req, tokens, weight, now);
    if (direct) return Promise.resolve(direct);
    // NaN never compares (never shed, never timed); Infinity is allowed and means no deadline.
    const asked = req.deadlineMs ?? settings.defaultDeadlineMs;
    const deadlineMs = Number.isNaN(asked) ? settings.defaultDeadlineMs : Math.max(0, asked);
    const item: QueueItem = {
      id: nextId++,
      tenant: req.tenant,
      priority: req.priority,
      weight,
      tokens,
      enqueuedAt: now,
      deadline: now + deadlineMs,
      start: 0,
      finish: 0,
      removed: false,
    };
    // Own buckets: the mirror is the store, so decide now. Shared buckets: the mirror lags the
    // fleet, so the store's answer decides once the request is queued (start-check.ts).
    if (!shared && isKnown(pool)) {
      const eta = startEstimate(pool, item, now, false, reservedShare, settings.share);
      if (eta > deadlineMs) return Promise.resolve(deadlineRefusal(pool, deadlineMs, eta));
    }
    const ask = shared !== undefined && isKnown(pool);
    const behind = ask && (pool.queue.size > 0 || pool.pumping || gate(pool, now) !== 0);
    return new Promise<AcquireResult>((resolve) => {
      const w: Waiter = {
        item,
        resolve,
        signal: req.signal,
        onAbort: undefined,
        checkOnDenial: ask && !behind,
      };
      if (req.signal) {
        w.onAbort = () => {
          if (!pool.waiters.has(item.id)) return;
          shed(pool, w, 'aborted', 0, 'The request was aborted while queued.');
          pump(pool);
        };
        req.signal.addEventListener('abort', w.onAbort, { once: true });
      }
      pool.waiters.set(item.id, w);
      enqueue(pool.queue, item);
      if (behind) askStartWait(startCheck, pool, w);
      pump(pool);
    });
  }

  function observe(obs: UpstreamObservation): void {
    if (closed) return;
    const pool = getPool(obs.pool);
    const now = clock.now();
    const pausedBefore = pool.adapt.pausedUntil;
    const out = observePool(pool, obs, now, settings);
    fleet?.share(pool, pausedBefore, out.limitsChanged, now);
    if (out.breakerOpened) {
      const ms = pool.breaker.openUntil - now;
      shedAll(
        pool,
        'breaker_open',
        ms,
        `The circuit breaker of pool ${pool.name} opened after repeated upstream failures; it probes again in ${Math.ceil(ms)} ms.`,
      );
    }
    if (out.ceilings) apply(pool, store.tighten(pool.name, now, out.ceilings, pool.policies));
    pump(pool);
  }

  function snapshot(): PoolSnapshot[] {
    const now = clock.now();
    return [...pools.values()].map((p) => snapshotPool(p, now));
  }

  function close(): void {
    if (closed) return;
    for (const p of pools.values()) shedAll(p, 'closed', 0, 'The pacing engine is closed.');
    closed = true;
    wakeTimer.disarm();
  }

  function retryDecision(
    poolName: string,
    attempt: number,
    status: number,
    headers: Record<string, string | undefined>,
    context: RetryContext = {},
  ): RetryDecision {
    return decidePoolRetry(getPool(poolName), clock.now(), rng, settings, {
      attempt,
      status,
      headers,
      context,
    });
  }

  return { poolFor, acquire, observe, retryDecision, snapshot, close };
}
