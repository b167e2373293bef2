/**
 * `npm run bench:overhead`: what the gateway adds. The same load goes straight to the simulator
 * (ttft 0, huge limits), through Pacer, through a bare node:http + undici pipe (the floor any
 * Node proxy pays) and through Portkey's open-source gateway when `npm install --prefix
 * benchmarks` was run; each in its own process, the load generator in another. Fixed rates (open
 * loop) and saturation (closed loop), non-streaming and streaming (time to first byte). Reports
 * added p50/p99, throughput, CPU per request, peak RSS, the proxy's event-loop delay and Pacer's
 * own processing time, as medians over `--rounds` interleaved rounds with their range, and the
 * machine's own timer lateness (the floor under any p99 here). Every measured phase follows an
 * unmeasured warm-up of the same shape on the same client pool (JIT, keep-alive both sides).
 *
 *   node dist/bench/overhead/index.js [--duration S] [--warmup S] [--rates 500,2000]
 *     [--concurrency N] [--rounds N] [--targets direct,bare,pacer,portkey] [--json FILE]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseHistogram, quantileBetween, type Buckets } from '../prom-histogram.js';
import type { LoadSpec } from './load.js';
import { driveIn, forkRole, killChildren, procUsage, startPortkey, usageOf } from './processes.js';
import { summarize, table, type PhaseResult } from './report.js';
import { runRole, UPSTREAM_KEY, type Role, type Usage } from './roles.js';

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  child?: ChildProcess;
  /** A process measured through procfs instead (Portkey). */
  pid?: number;
}

const PROCESSING = 'pacer_gateway_processing_seconds';

/** Pacer's processing-time histogram, or null for targets that do not export it. */
async function scrapeProcessing(t: Target): Promise<Buckets | null> {
  if (t.name !== 'pacer') return null;
  try {
    const res = await fetch(`${new URL(t.url).origin}/metrics`);
    return parseHistogram(await res.text(), PROCESSING);
  } catch {
    return null;
  }
}

async function usageNow(t: Target): Promise<Usage | null> {
  return t.child ? usageOf(t.child) : t.pid !== undefined ? procUsage(t.pid) : null;
}

interface Phase {
  stream: boolean;
  rate?: number;
  concurrency?: number;
}

async function measure(
  load: ChildProcess,
  t: Target,
  phase: Phase,
  seconds: number,
  warmSeconds: number,
  round: number,
): Promise<PhaseResult> {
  const spec = (s: number): LoadSpec => ({
    url: t.url,
    headers: t.headers,
    stream: phase.stream,
    ...(phase.rate !== undefined ? { rate: phase.rate } : { concurrency: phase.concurrency ?? 32 }),
    seconds: s,
  });
  if (warmSeconds > 0) await driveIn(load, spec(warmSeconds));
  const before = await usageNow(t);
  const procBefore = await scrapeProcessing(t);
  const r = await driveIn(load, spec(seconds));
  const after = await usageNow(t);
  const procAfter = procBefore ? await scrapeProcessing(t) : null;
  const proc = (q: number): number | null => {
    const s = procBefore && procAfter ? quantileBetween(procBefore, procAfter, q) : null;
    return s === null ? null : s * 1000;
  };
  return {
    round,
    target: t.name,
    mode: phase.stream ? 'stream' : 'json',
    load: phase.rate !== undefined ? `${phase.rate} req/s` : `saturation c=${phase.concurrency}`,
    sent: r.sent,
    ok: r.ok,
    errors: r.errors,
    rps: r.ok / r.elapsedS,
    p50: r.p50,
    p99: r.p99,
    p999: r.p999,
    cpuMsPerReq: before && after && r.sent > 0 ? (after.cpuMicros - before.cpuMicros) / 1000 / r.sent : null,
    maxRssMb: after ? after.maxRssKb / 1024 : null,
    eldP99: after && !Number.isNaN(after.eldP99Ms) ? after.eldP99Ms : null,
    eldMax: after && !Number.isNaN(after.eldMaxMs) ? after.eldMaxMs : null,
    procP50: proc(0.5),
    procP99: proc(0.99),
  };
}

/** How late this idle machine wakes a 1 ms timer: the scheduling floor under every p99 here. */
async function timerLateness(seconds: number): Promise<{ p99: number; p999: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  h.disable();
  const late = (ns: number): number => Math.max(0, ns / 1e6 - 1);
  return { p99: late(h.percentile(99)), p999: late(h.percentile(99.9)), max: late(h.max) };
}

async function startTargets(names: string[]): Promise<{ targets: Target[]; note: string }> {
  const sim = await forkRole('sim');
  const targets: Target[] = [];
  let note = '';
  for (const name of names) {
    if (name === 'direct')
      targets.push({ name, url: sim.url, headers: { authorization: `Bearer ${UPSTREAM_KEY}` } });
    else if (name === 'bare' || name === 'pacer') {
      const p = await forkRole(name === 'pacer' ? 'gateway' : 'bare', sim.url);
      const key = name === 'pacer' ? 'pacer-demo-key' : UPSTREAM_KEY;
      targets.push({ name, url: p.url, headers: { authorization: `Bearer ${key}` }, child: p.child });
    } else if (name === 'portkey') {
      const pk = await startPortkey();
      if ('error' in pk) note = `Portkey: ${pk.error}`;
      else
        targets.push({
          name,
          url: pk.url,
          ...(pk.child.pid !== undefined ? { pid: pk.child.pid } : {}),
          headers: {
            authorization: `Bearer ${UPSTREAM_KEY}`,
            'x-portkey-provider': 'openai',
            'x-portkey-custom-host': sim.url,
          },
        });
    } else throw new Error(`unknown target "${name}" (direct, bare, pacer, portkey)`);
  }
  return { targets, note };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      arg: { type: 'string' },
      duration: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      rates: { type: 'string', default: '500,2000' },
      concurrency: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '1' },
      targets: { type: 'string', default: 'direct,bare,pacer,portkey' },
      json: { type: 'string' },
    },
  });
  if (values.role) return runRole(values.role as Role, values.arg);
  // Pacer gets a fresh ledger and an empty key store: a ledger that grows with every run (it was
  // the checkout's .pacer/) or a developer's keys (no demo key) must not change it.
  const scratch = mkdtempSync(join(tmpdir(), 'pacer-overhead-'));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  process.env['PACER_LEDGER'] ??= `sqlite:${join(scratch, 'ledger.sqlite')}`;
  process.env['PACER_KEYS_DB'] ??= join(scratch, 'keys.sqlite');
  const seconds = Number(values.duration);
  const warmSeconds = Number(values.warmup);
  const rates = values.rates
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
  const concurrency = Number(values.concurrency);
  const rounds = Math.max(1, Number(values.rounds));
  const floor = await timerLateness(2);
  const { targets, note } = await startTargets(values.targets.split(','));
  const load = (await forkRole('load')).child;
  const results: PhaseResult[] = [];
  const phases: Phase[] = [false, true].flatMap((stream) => [
    ...rates.map((rate) => ({ stream, rate })),
    { stream, concurrency },
  ]);
  try {
    // Compile every process's hot paths before anything is measured.
    for (const t of targets)
      for (const stream of [false, true])
        await measure(load, t, { stream, concurrency: 16 }, Math.max(0.5, warmSeconds), 0, 0);
    for (let round = 1; round <= rounds; round++) {
      for (const phase of phases) {
        for (const t of targets) {
          const r = await measure(load, t, phase, seconds, warmSeconds, round);
          results.push(r);
          process.stderr.write(
            `round ${round} ${r.target} ${r.mode} ${r.load}: ${r.rps.toFixed(0)} req/s p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms\n`,
          );
        }
      }
    }
    const rows = summarize(results);
    console.log(table(rows));
    if (note) console.log(note);
    console.log(
      `machine floor: an idle process's 1 ms timer fires late by p99 ${floor.p99.toFixed(2)} ms, p99.9 ${floor.p999.toFixed(2)} ms, max ${floor.max.toFixed(2)} ms.`,
    );
    console.log(
      `${rounds} round(s): medians, (min-max) where rounds differ. +p50/+p99: added over direct in the same round; cpu ms/req: the proxy process's CPU (user+system, all threads) per request sent; eld max: the proxy's event-loop delay; own p99: Pacer's own processing time (pacer_gateway_processing_seconds: queue wait and upstream time excluded), as the bound of its histogram bucket. bare = node:http + undici pipe, no logic (the floor). Each phase: ${warmSeconds} s warm-up, then ${seconds} s measured.`,
    );
    if (values.json)
      writeFileSync(
        values.json,
        JSON.stringify(
          { seconds, warmSeconds, rates, concurrency, rounds, floor, rows, results, note },
          null,
          2,
        ),
      );
  } finally {
    killChildren();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:overhead: ${(err as Error).message}`);
  killChildren();
  process.exitCode = 1;
});
