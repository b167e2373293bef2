import type { Clock } from '../core/clock.js';
import type { SimStats } from './types.js';

type Counter = Exclude<keyof SimStats, 'timeline'>;
type TimelineEntry = SimStats['timeline'][number];

/** Keeps at most an hour of per-second timeline entries, so a long soak does not grow memory. */
const MAX_TIMELINE = 3600;

export interface StatsRecorder {
  add(counter: Counter, n?: number): void;
  /** Counts into the current wall-clock second of the timeline as well. */
  accepted(tokensCharged: number): void;
  rejected429(): void;
  /** Settlement: adjusts tokens_charged (and the current second) by delta. */
  adjustCharged(delta: number): void;
  snapshot(): SimStats;
  reset(): void;
}

export function createStats(clock: Clock): StatsRecorder {
  let c = zero();
  let timeline: TimelineEntry[] = [];

  const current = (): TimelineEntry => {
    const t = Math.floor(clock.now() / 1000);
    const last = timeline[timeline.length - 1];
    if (last !== undefined && last.t === t) return last;
    const entry = { t, accepted: 0, rejected_429: 0, tokens_charged: 0 };
    timeline.push(entry);
    if (timeline.length > MAX_TIMELINE * 1.25) timeline = timeline.slice(-MAX_TIMELINE);
    return entry;
  };

  return {
    add(counter, n = 1) {
      c[counter] += n;
    },
    accepted(tokensCharged) {
      c.accepted++;
      c.tokens_charged += tokensCharged;
      const e = current();
      e.accepted++;
      e.tokens_charged += tokensCharged;
    },
    rejected429() {
      c.rejected_429++;
      current().rejected_429++;
    },
    adjustCharged(delta) {
      c.tokens_charged += delta;
      current().tokens_charged += delta;
    },
    snapshot() {
      return { ...c, timeline: contiguous(timeline, Math.floor(clock.now() / 1000)) };
    },
    reset() {
      c = zero();
      timeline = [];
    },
  };
}

/** One entry per second from the first event to now (quiet seconds as zeros), the last hour at most. */
function contiguous(entries: readonly TimelineEntry[], nowS: number): TimelineEntry[] {
  const first = entries[0];
  if (first === undefined) return [];
  const from = Math.max(first.t, nowS - MAX_TIMELINE + 1);
  const out: TimelineEntry[] = [];
  let i = 0;
  for (let t = from; t <= nowS; t++) {
    while (i < entries.length && entries[i]!.t < t) i++;
    const e = entries[i];
    out.push(
      e !== undefined && e.t === t ? { ...e } : { t, accepted: 0, rejected_429: 0, tokens_charged: 0 },
    );
  }
  return out;
}

function zero(): Record<Counter, number> {
  return {
    requests: 0,
    accepted: 0,
    rejected_429: 0,
    errors_5xx: 0,
    tokens_in: 0,
    tokens_out: 0,
    tokens_charged: 0,
    client_secrets_minted: 0,
    realtime_sessions: 0,
  };
}
