import type { BucketPolicy } from '../store/realtime/types.js';
import type { RealtimeLimits, ResolvedLimits } from './types.js';

export function resolveLimits(l: RealtimeLimits): ResolvedLimits {
  if (!(l.upstreamRpm > 0)) throw new Error('limits.upstreamRpm must be a positive number');
  const sessionMaxMs = l.sessionMaxMs ?? 60 * 60_000;
  return {
    upstreamRpm: l.upstreamRpm,
    upstreamBurst: l.upstreamBurst ?? l.upstreamRpm,
    upstreamHeadroom: Math.min(0.9, Math.max(0, l.upstreamHeadroom ?? 0.1)),
    userConnectsPerMinute: l.userConnectsPerMinute ?? 10,
    tenantMaxSessions: l.tenantMaxSessions ?? 100,
    maxQueueMs: l.maxQueueMs ?? 10_000,
    minReuseSeconds: l.minReuseSeconds ?? 30,
    maxBookAheadMs: l.maxBookAheadMs ?? 120_000,
    mintReservesSession: l.mintReservesSession ?? true,
    pendingSessionMs: l.pendingSessionMs ?? 60_000,
    callSessionMs: l.callSessionMs ?? sessionMaxMs,
    sessionMaxMs,
    sessionWarningMs: Math.min(l.sessionWarningMs ?? 60_000, sessionMaxMs / 2),
    maxAppendBytes: l.maxAppendBytes ?? 15 * 1024 * 1024 + 64 * 1024,
    maxEventBytes: l.maxEventBytes ?? 1024 * 1024,
    heartbeatMs: l.heartbeatMs ?? 10_000,
  };
}

export function upstreamPolicy(l: ResolvedLimits): BucketPolicy {
  const keep = 1 - l.upstreamHeadroom;
  return {
    capacity: Math.max(1, Math.floor(l.upstreamBurst * keep)),
    refillPerMs: (l.upstreamRpm * keep) / 60_000,
  };
}

export function userPolicy(l: ResolvedLimits): BucketPolicy {
  return { capacity: l.userConnectsPerMinute, refillPerMs: l.userConnectsPerMinute / 60_000 };
}
