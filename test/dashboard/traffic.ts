import { createSeededRng } from '../../src/core/clock.js';
import type { DashboardFeed } from '../../src/dashboard/feed.js';
import type { Priority } from '../../src/engine/types.js';
import type { FakeTime } from './fakes.js';
import { makeEvent } from './fakes.js';

const TENANTS = ['acme', 'globex', 'initech'];
const MODELS = ['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o'];
const PRIOS: Priority[] = ['interactive', 'default', 'default', 'batch'];

/** Records `seconds` of varied, seeded traffic, one fake second at a time. */
export function playTraffic(
  feed: DashboardFeed,
  time: FakeTime,
  seconds: number,
  seed = 7,
  tenants = TENANTS,
): void {
  const rng = createSeededRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  for (let s = 0; s < seconds; s++) {
    const wave = 6 + 4 * Math.sin(s / 9);
    const n = Math.round(wave + rng.next() * 4);
    for (let i = 0; i < n; i++) {
      const model = pick(MODELS);
      const big = model === 'gpt-4o';
      const upstream429 = rng.next() < 0.03;
      const ttft = 180 + rng.next() * 250 + (big ? 250 : 0);
      const tokensIn = Math.round((big ? 80 : 150) + rng.next() * (big ? 300 : 700));
      const tokensOut = Math.round(30 + rng.next() * (big ? 120 : 250));
      feed.record(
        makeEvent({
          ts: time.clock.now(),
          tenant: pick(tenants),
          model,
          priority: pick(PRIOS),
          status: rng.next() < 0.02 ? 503 : 200,
          upstream429,
          retries: upstream429 ? 1 : 0,
          // Queue waits grow at the crest of each wave, as they would under pacing.
          queueMs: Math.round(Math.max(0, wave - 7) * (40 + rng.next() * 60)),
          ttftMs: ttft,
          durationMs: ttft + tokensOut * 8,
          tokensIn,
          tokensOut,
          costUsd: big ? tokensIn * 2.5e-6 + tokensOut * 1e-5 : tokensIn * 1.5e-7 + tokensOut * 6e-7,
        }),
      );
    }
    time.advance(1000);
  }
}
