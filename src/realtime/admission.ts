import { randomUUID } from 'node:crypto';
import { PacerError } from '../core/errors.js';
import type { RealtimeStore } from '../store/realtime/types.js';
import { rtKeys } from './keys.js';
import { upstreamPolicy, userPolicy } from './limits.js';
import type { ResolvedLimits } from './types.js';

/**
 * The three gates every session request passes, in order: the user's connection rate (no
 * waiting: a 429 with retry-after), the tenant's concurrent sessions (a slot with a TTL), and the
 * shared upstream bucket (wait up to the deadline, else a 429 saying when it would fit).
 */
export interface Admission {
  checkUser(tenant: string, user: string): Promise<void>;
  holdSlot(tenant: string, member: string, ttlMs: number, extra?: number): Promise<void>;
  releaseSlot(tenant: string, member: string): Promise<void>;
  touchSlot(tenant: string, member: string, ttlMs: number): Promise<boolean>;
  /** Resolves when `cost` upstream operations may start; throws a 429 when the deadline is too short. */
  waitUpstream(cost: number, maxWaitMs: number, ticketKey?: string): Promise<number>;
  penalizeUpstream(ms: number): Promise<void>;
  /** Books `cost` ahead (within the horizon) as a ticket for this user; the ms until it is due. */
  book(cost: number, ticketKey: string): Promise<number | undefined>;
}

/** A ticket not claimed this long after it was due is dropped. */
const TICKET_GRACE_MS = 60_000;

export function createAdmission(
  store: RealtimeStore,
  limits: ResolvedLimits,
  upstreamName: string,
  sleep: (ms: number) => Promise<void>,
): Admission {
  const upstreamKey = rtKeys.upstreamBucket(upstreamName);
  const upPolicy = upstreamPolicy(limits);
  const usrPolicy = userPolicy(limits);
  /**
   * Over the deadline. Within the booking horizon the capacity is booked now and a ticket left
   * for this user, so a retry at retry-after gets in at once: one honoured retry is enough.
   */
  async function deny(
    cost: number,
    waitMs: number,
    maxWaitMs: number,
    ticketKey: string | undefined,
  ): Promise<PacerError> {
    let retryAfterMs = Math.max(1, waitMs - Math.floor(maxWaitMs / 2));
    if (ticketKey && waitMs <= limits.maxBookAheadMs) {
      const booked = await book(cost, ticketKey);
      if (booked !== undefined) retryAfterMs = Math.max(1, booked);
    }
    return new PacerError(
      'PACER_DEADLINE_EXCEEDED',
      `Realtime sessions are being paced to the upstream's limit (${limits.upstreamRpm} per minute); this one would wait ${Math.ceil(waitMs / 1000)}s, over the deadline. Retry after the time in retry-after-ms.`,
      { retryAfterMs },
    );
  }

  async function book(cost: number, ticketKey: string): Promise<number | undefined> {
    const booked = await store.reserve(upstreamKey, upPolicy, cost, limits.maxBookAheadMs);
    if (!booked.ok) return undefined;
    await store.bookTicket(ticketKey, `${randomUUID()}:${cost}`, booked.waitMs, TICKET_GRACE_MS);
    return booked.waitMs;
  }

  return {
    book,
    async checkUser(tenant, user) {
      const r = await store.reserve(rtKeys.userBucket(tenant, user), usrPolicy, 1, 0);
      if (!r.ok) {
        throw new PacerError(
          'PACER_RATE_LIMITED',
          `Too many realtime session requests for this user (limit ${limits.userConnectsPerMinute} per minute). Try again in ${Math.ceil(r.waitMs / 1000)}s.`,
          {
            retryAfterMs: r.waitMs,
          },
        );
      }
    },
    async holdSlot(tenant, member, ttlMs, extra = 0) {
      const r = await store.acquireSlot(
        rtKeys.tenantSessions(tenant),
        member,
        limits.tenantMaxSessions + extra,
        ttlMs,
      );
      if (!r.ok) {
        throw new PacerError(
          'PACER_RATE_LIMITED',
          `The tenant has ${r.count} realtime sessions open, its limit is ${limits.tenantMaxSessions}.`,
          {
            retryAfterMs: r.retryAfterMs,
          },
        );
      }
    },
    releaseSlot: (tenant, member) => store.releaseSlot(rtKeys.tenantSessions(tenant), member),
    touchSlot: (tenant, member, ttlMs) => store.touchSlot(rtKeys.tenantSessions(tenant), member, ttlMs),
    async waitUpstream(cost, maxWaitMs, ticketKey) {
      if (cost <= 0) return 0;
      let need = cost;
      let waitMs = 0;
      if (ticketKey) {
        // A caller who was told to come back: its capacity is already booked.
        const t = await store.claimTicket(ticketKey, maxWaitMs, TICKET_GRACE_MS);
        if (t) {
          need -= Number(t.member.split(':').pop()) || 0;
          waitMs = t.waitMs;
        }
      }
      if (need > 0) {
        const r = await store.reserve(upstreamKey, upPolicy, need, maxWaitMs);
        if (!r.ok) throw await deny(need, r.waitMs, maxWaitMs, ticketKey);
        waitMs = Math.max(waitMs, r.waitMs);
      }
      if (waitMs > 0) await sleep(waitMs);
      return waitMs;
    },
    penalizeUpstream: (ms) => store.penalize(upstreamKey, upPolicy, ms),
  };
}
