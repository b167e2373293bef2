import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { PacerError } from '../core/errors.js';
import { systemClock } from '../platform/system.js';
import { createAdmission, type Admission } from './admission.js';
import { hashParts, rtKeys, stableStringify } from './keys.js';
import { resolveLimits } from './limits.js';
import { DEFAULT_ALLOWED_OVERRIDES, mergeSession } from './session-config.js';
import { createSingleFlight, isFollowerError } from './single-flight.js';
import type {
  BrokerStats,
  CallInput,
  CallResult,
  MintInput,
  MintResult,
  RealtimeBrokerOptions,
  ResolvedLimits,
  SessionConfig,
  SessionTicket,
} from './types.js';
import { createUpstream, type Upstream, type UpstreamOutcome } from './upstream.js';

export interface RealtimeBroker {
  readonly limits: ResolvedLimits;
  readonly upstream: Upstream;
  readonly options: RealtimeBrokerOptions;
  readonly allowedOverrides: readonly string[];
  readonly clock: Clock;
  /** A client secret for one user and config: reused, shared, or minted once, paced. */
  mint(input: MintInput): Promise<MintResult>;
  /** The unified WebRTC flow: the offer goes upstream with the server key; the answer comes back. */
  createCall(input: CallInput): Promise<CallResult>;
  /** Admission for a relayed WebSocket session; the ticket holds a tenant slot until released. */
  admitSession(input: { tenant: string; user: string; maxWaitMs?: number }): Promise<SessionTicket>;
  /** Frees a call's tenant slot early (e.g. on hangup); otherwise it expires after callSessionMs. */
  endSession(tenant: string, sessionId: string): Promise<void>;
  sessionConfig(tenant: string, client: SessionConfig | undefined): SessionConfig;
  stats(): BrokerStats;
  /** Counters the relay updates. */
  readonly counters: BrokerStats;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createRealtimeBroker(options: RealtimeBrokerOptions): RealtimeBroker {
  const clock = options.clock ?? systemClock;
  const limits = resolveLimits(options.limits);
  const { store } = options;
  const upstream = createUpstream(options.upstream.baseUrl, options.upstream.apiKey);
  const admission: Admission = createAdmission(store, limits, options.upstreamName ?? 'default', sleep);
  const flights = createSingleFlight(store, sleep, () => clock.now());
  const allowedOverrides = options.allowedOverrides ?? DEFAULT_ALLOWED_OVERRIDES;
  const counters: BrokerStats = {
    upstreamMints: 0,
    reused: 0,
    shared: 0,
    calls: 0,
    relaySessions: 0,
    activeRelays: 0,
    upstream429: 0,
    denied: 0,
  };

  const defaultsFor = (tenant: string): SessionConfig => {
    const d = options.sessionDefaults;
    return typeof d === 'function' ? d(tenant) : (d ?? {});
  };

  /** Runs an upstream operation inside the pacing bucket; an upstream 429 empties the bucket and is retried within the deadline. */
  async function paced<T>(
    route: 'client_secrets' | 'calls',
    cost: number,
    deadline: number,
    op: () => Promise<UpstreamOutcome<T>>,
    ticketKey?: string,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await admission.waitUpstream(
        cost,
        Math.max(0, deadline - clock.now()),
        attempt === 0 ? ticketKey : undefined,
      );
      const out = await op();
      if (out.ok) return out.value;
      counters.upstream429++;
      options.onUpstream429?.({ route, retryAfterMs: out.retryAfterMs });
      await admission.penalizeUpstream(out.retryAfterMs);
      if (attempt >= 2)
        throw new PacerError('PACER_RATE_LIMITED', 'The upstream is rate limiting realtime sessions.', {
          retryAfterMs: out.retryAfterMs,
        });
      cost = 1;
    }
  }

  const reusable = (body: { expires_at: number }) =>
    body.expires_at * 1000 - clock.now() >= limits.minReuseSeconds * 1000;

  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PacerError && err.status === 429) counters.denied++;
      throw err;
    }
  }

  const broker: RealtimeBroker = {
    limits,
    upstream,
    options,
    allowedOverrides,
    clock,
    counters,
    sessionConfig: (tenant, client) => mergeSession(defaultsFor(tenant), client, Object.keys(client ?? {})),
    mint: (input) =>
      guarded(async () => {
        const deadline = clock.now() + (input.maxWaitMs ?? limits.maxQueueMs);
        const session = mergeSession(
          defaultsFor(input.tenant),
          input.session,
          Object.keys(input.session ?? {}),
        );
        const seconds = input.expiresAfterSeconds ?? 600;
        const configHash = hashParts(stableStringify(session), String(seconds));
        const cacheKey = rtKeys.secret(input.tenant, input.user, configHash);
        const sessionCost = limits.mintReservesSession ? 1 : 0;
        const tickets = rtKeys.tickets(input.tenant, input.user);
        const left = () => Math.max(0, deadline - clock.now());

        await admission.checkUser(input.tenant, input.user);
        await admission.holdSlot(input.tenant, `pending:${randomUUID()}`, limits.pendingSessionMs);

        const cached = await readSecret(cacheKey);
        if (cached && reusable(cached)) {
          await admission.waitUpstream(sessionCost, left(), tickets);
          counters.reused++;
          return { body: cached, reused: true, shared: false };
        }
        const flight = flights.run(cacheKey, deadline, async () => {
          // Another instance may have finished just before this one took the lock.
          const again = await readSecret(cacheKey);
          if (again && reusable(again)) return again;
          const body = await paced(
            'client_secrets',
            1 + sessionCost,
            deadline,
            () => upstream.mint({ expires_after: { anchor: 'created_at', seconds }, session }),
            tickets,
          );
          counters.upstreamMints++;
          const ttl = body.expires_at * 1000 - clock.now() - limits.minReuseSeconds * 1000;
          if (ttl > 0) await store.set(cacheKey, JSON.stringify(body), ttl);
          return body;
        });
        const { value, shared } = await flight.catch(async (err: unknown) => {
          // The leader was told to come back later; so is this follower, with its session booked too.
          if (!isFollowerError(err) || err.status !== 429 || sessionCost === 0) throw err;
          const booked = await admission.book(sessionCost, tickets);
          if (booked === undefined) throw err;
          throw new PacerError(err.code, err.message, {
            retryAfterMs: Math.max(err.retryAfterMs ?? 0, booked, 1),
          });
        });
        if (shared) {
          counters.shared++;
          await admission.waitUpstream(sessionCost, left(), tickets);
        }
        return { body: value, reused: false, shared };
      }),
    createCall: (input) =>
      guarded(async () => {
        const deadline = clock.now() + (input.maxWaitMs ?? limits.maxQueueMs);
        await admission.checkUser(input.tenant, input.user);
        const pending = `pending:${randomUUID()}`;
        await admission.holdSlot(input.tenant, pending, limits.pendingSessionMs);
        try {
          const session = mergeSession(
            defaultsFor(input.tenant),
            input.session,
            Object.keys(input.session ?? {}),
          );
          const answer = await paced(
            'calls',
            1,
            deadline,
            () => upstream.call(input.sdp, session),
            rtKeys.tickets(input.tenant, input.user),
          );
          counters.calls++;
          const callId = answer.location.split('/').pop() ?? pending;
          // The pending slot is still held, hence room for one more while swapping.
          await admission
            .holdSlot(input.tenant, `call:${callId}`, limits.callSessionMs, 1)
            .catch(() => undefined);
          return { sdp: answer.sdp, location: answer.location, callId };
        } finally {
          await admission.releaseSlot(input.tenant, pending);
        }
      }),
    admitSession: (input) =>
      guarded(async () => {
        const deadline = clock.now() + (input.maxWaitMs ?? limits.maxQueueMs);
        const id = `ws:${randomUUID()}`;
        const ttl = limits.heartbeatMs * 3;
        await admission.checkUser(input.tenant, input.user);
        await admission.holdSlot(input.tenant, id, ttl);
        try {
          await admission.waitUpstream(
            1,
            Math.max(0, deadline - clock.now()),
            rtKeys.tickets(input.tenant, input.user),
          );
        } catch (err) {
          await admission.releaseSlot(input.tenant, id);
          throw err;
        }
        return {
          id,
          tenant: input.tenant,
          user: input.user,
          touch: () => admission.touchSlot(input.tenant, id, ttl),
          release: () => admission.releaseSlot(input.tenant, id),
        };
      }),
    endSession: (tenant, sessionId) => admission.releaseSlot(tenant, `call:${sessionId}`),
    stats: () => ({ ...counters }),
  };

  async function readSecret(key: string): Promise<MintResult['body'] | null> {
    const raw = await store.get(key);
    return raw === null ? null : (JSON.parse(raw) as MintResult['body']);
  }

  return broker;
}
