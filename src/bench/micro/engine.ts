/**
 * Micro-benchmark of the pacing engine's hot path: acquire() on an unsaturated pool plus
 * lease.settle(), and the pure bucket step. Run: `node dist/bench/micro/engine.js`.
 */
import { performance } from 'node:perf_hooks';
import { take } from '../../core/limiter/bucket.js';
import { policiesFor } from '../../core/limiter/policy.js';
import { takeAll } from '../../core/limiter/take-all.js';
import { createEngine } from '../../engine/index.js';

const N = 200_000;

function time(name: string, n: number, run: (i: number) => void): void {
  for (let i = 0; i < Math.min(n, 10_000); i++) run(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) run(i);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(name.padEnd(44) + `${us.toFixed(3)} µs/op`);
}

async function main(): Promise<void> {
  console.log('pacing micro-benchmark (node ' + process.version + ')');
  const policy = { limit: 1e12, capacity: 1e12, rate: 1 };
  let state = { level: 1e12, at: 0 };
  time('take (one bucket)', N * 5, (i) => {
    state = take(state, i, 1, policy).state;
  });
  const policies = policiesFor(
    { rpm: 1e9, tpm: 1e12, rpd: 1e12, tpd: 1e15 },
    { headroom: 0.02, burstSeconds: 2, timeScale: 1 },
  );
  let states = policies.map(() => ({ level: 1e9, at: 0 }));
  time('takeAll (rpm+tpm+rpd+tpd)', N * 5, (i) => {
    states = takeAll(states, i, { requests: 1, tokens: 100 }, policies).states;
  });

  const engine = createEngine({ pools: { p: { models: ['m'], rpm: 1e9, tpm: 1e12 } } });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = await engine.acquire({ pool: 'p', tenant: `t${i % 8}`, priority: 'default', tokens: 500 });
    if (r.ok) r.lease.settle(300);
  }
  console.log(
    'engine acquire + settle (await each)'.padEnd(44) +
      `${(((performance.now() - t0) * 1000) / N).toFixed(3)} µs/op`,
  );
  const t1 = performance.now();
  const batch = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      engine.acquire({ pool: 'p', tenant: `t${i % 8}`, priority: 'default', tokens: 500 }),
    ),
  );
  for (const r of batch) if (r.ok) r.lease.settle(300);
  console.log(
    `engine ${N} concurrent acquires + settles`.padEnd(44) +
      `${(((performance.now() - t1) * 1000) / N).toFixed(3)} µs/op`,
  );
  engine.close();
}

void main();
