import type { Clock } from '../core/clock.js';
import type { RealtimeStore } from '../store/realtime/types.js';

/** A realtime session config as OpenAI takes it (`{type: "realtime", model, instructions, audio, ...}`). */
export type SessionConfig = Record<string, unknown>;

export interface RealtimeLimits {
  /** Upstream mints + session creations per minute (the upstream's mint limit; e.g. --mint-rpm). */
  upstreamRpm: number;
  /** Burst the upstream allows (default: upstreamRpm, as a bucket that is full when idle). */
  upstreamBurst?: number;
  /**
   * Fraction of the upstream limit kept in reserve (default 0.1). It absorbs the time between a
   * reservation here and the request's arrival upstream, so a cold, full bucket never overshoots.
   */
  upstreamHeadroom?: number;
  /** Session requests (mints, calls, sockets) per user per minute (default 10). */
  userConnectsPerMinute?: number;
  /** Concurrent sessions per tenant (default 100). */
  tenantMaxSessions?: number;
  /** How long a caller may wait for upstream capacity before a 429 (default 10 s). */
  maxQueueMs?: number;
  /**
   * A caller over the deadline whose turn comes within this horizon gets its capacity booked and
   * a retry-after pointing at it (its retry then gets in at once; default 120 s). 0 disables.
   */
  maxBookAheadMs?: number;
  /** A cached secret is reused only with at least this much life left (default 30 s). */
  minReuseSeconds?: number;
  /** A mint also books the session the browser opens with it directly upstream (default true). */
  mintReservesSession?: boolean;
  /** How long a minted secret holds a tenant session slot (the browser connects meanwhile; default 60 s). */
  pendingSessionMs?: number;
  /** A WebRTC call's slot is held this long unless endSession() frees it (default sessionMaxMs). */
  callSessionMs?: number;
  /** Relay session cap (default 60 min, as OpenAI's). */
  sessionMaxMs?: number;
  /** The warning event goes this long before the cap (default 60 s). */
  sessionWarningMs?: number;
  /** Largest input_audio_buffer.append event, bytes (default 15 MiB + 64 KiB of JSON around it). */
  maxAppendBytes?: number;
  /** Largest other client event, bytes (default 1 MiB). */
  maxEventBytes?: number;
  /** Relay slot heartbeat (the slot expires after 3 missed beats; default 10 s). */
  heartbeatMs?: number;
}

export type ResolvedLimits = Required<RealtimeLimits>;

export interface UsageReport {
  tenant: string;
  user: string;
  model: string;
  sessionId: string;
  /** The `usage` object of a `response.done`, as OpenAI sends it. */
  usage: Record<string, unknown>;
}

export interface RateLimitsReport {
  tenant: string;
  user: string;
  model: string;
  rateLimits: { name: string; limit: number; remaining: number; reset_seconds: number }[];
}

export interface RealtimeBrokerOptions {
  store: RealtimeStore;
  /** baseUrl including /v1 (e.g. https://api.openai.com/v1); apiKey is the SERVER key. */
  upstream: { baseUrl: string; apiKey: string };
  clock?: Clock;
  limits: RealtimeLimits;
  /** The tenant's session config; clients may override only `allowedOverrides`. */
  sessionDefaults?: SessionConfig | ((tenant: string) => SessionConfig);
  /** Top-level session fields a client may set (default: instructions, audio, output_modalities, tools, tool_choice, max_output_tokens). */
  allowedOverrides?: readonly string[];
  /** Name of the shared upstream bucket (one per upstream org/project; default "default"). */
  upstreamName?: string;
  onUsage?: (report: UsageReport) => void;
  onRateLimits?: (report: RateLimitsReport) => void;
  /** Every upstream 429 the broker saw (should stay at zero). */
  onUpstream429?: (info: { route: 'client_secrets' | 'calls' | 'realtime'; retryAfterMs: number }) => void;
}

export interface MintInput {
  tenant: string;
  user: string;
  session?: SessionConfig;
  expiresAfterSeconds?: number;
  /** Overrides limits.maxQueueMs for this request. */
  maxWaitMs?: number;
}

export interface MintResult {
  /** The upstream's body: {value, expires_at, session}. */
  body: { value: string; expires_at: number; session?: unknown; [k: string]: unknown };
  /** Served from the cache (minted earlier for this same user and config). */
  reused: boolean;
  /** Shared the result of a concurrent identical mint (single-flight). */
  shared: boolean;
}

export interface CallInput {
  tenant: string;
  user: string;
  sdp: string;
  /** Client-requested session fields; only allowed overrides are kept. */
  session?: SessionConfig;
  maxWaitMs?: number;
}

export interface CallResult {
  sdp: string;
  /** e.g. /v1/realtime/calls/rtc_... */
  location: string;
  callId: string;
}

export interface SessionTicket {
  id: string;
  tenant: string;
  user: string;
  /** Keeps the tenant slot alive; false when it was lost (expired). */
  touch(): Promise<boolean>;
  release(): Promise<void>;
}

export interface BrokerStats {
  upstreamMints: number;
  reused: number;
  shared: number;
  calls: number;
  relaySessions: number;
  activeRelays: number;
  upstream429: number;
  denied: number;
}
