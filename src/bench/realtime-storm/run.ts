#!/usr/bin/env node
/**
 * node dist/bench/realtime-storm/run.js [--browsers 300] [--window-ms 5000] [--instances 3]
 *   [--mint-rpm 240] [--time-scale 1] [--users N] [--seed 1] [--mode naive,pacer] [--flow calls|secret] [--json]
 */
import { formatStormTable, runRealtimeStorm, type RealtimeStormResult, type StormMode } from './index.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}
function num(name: string): number | undefined {
  const v = flag(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const modes = (flag('mode') ?? 'naive,pacer').split(',') as StormMode[];
  const flow = flag('flow');
  if (flow !== undefined && flow !== 'calls' && flow !== 'secret')
    throw new Error('--flow must be calls or secret');
  const results: RealtimeStormResult[] = [];
  for (const mode of modes) {
    if (mode !== 'naive' && mode !== 'pacer') throw new Error(`unknown mode ${String(mode)}`);
    const o = {
      browsers: num('browsers'),
      windowMs: num('window-ms'),
      instances: num('instances'),
      mintRpm: num('mint-rpm'),
      timeScale: num('time-scale'),
      users: num('users'),
      seed: num('seed'),
    };
    process.stderr.write(`realtime-storm: ${mode}…\n`);
    results.push(
      await runRealtimeStorm({
        mode,
        ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
        ...(flow ? { flow } : {}),
      }),
    );
  }
  process.stdout.write(
    process.argv.includes('--json')
      ? `${JSON.stringify(results, null, 2)}\n`
      : `${formatStormTable(results)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`realtime-storm: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
