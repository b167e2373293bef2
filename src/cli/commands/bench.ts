import type { Command } from '../command.js';
import { numberFlag, parseFlags, UsageError } from '../command.js';
import {
  createProgress,
  formatTable,
  runBench,
  ScenarioError,
  STRATEGY_NAMES,
  type StrategyName,
} from '../../bench/index.js';

const usage = `Usage: pacer bench --scenario NAME [flags]

Open-loop load (seeded Poisson arrivals) from a scenario file, run once per strategy against a
fresh simulator (or --target), then report.json + report.html in --report DIR and a table on stdout.

Flags:
  --scenario NAME     steady | burst | chaos | noisy-tenant | mixed-priority | realtime-storm | multi-instance,
                      or a path to a YAML file (realtime-storm: --compare naive,pacer)
  --target URL        upstream base URL (incl. /v1) instead of a fresh simulator per strategy
                      (key from OPENAI_API_KEY; upstream figures only if it serves /sim/stats)
  --duration S        seconds of load (wall clock; default from the scenario)
  --report DIR        where to write report.json and report.html (default reports/<scenario>)
  --compare LIST      comma-separated strategies: ${STRATEGY_NAMES.join(',')} (default from the scenario)
  --seed N            seed for arrivals, sizes and the simulator (default from the scenario)
  --time-scale N      simulator time scale: a "minute" lasts 60/N s (default from the scenario)
  -h, --help          this help`;

export function parseCompare(value: string | undefined): StrategyName[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--compare needs at least one strategy');
  for (const n of names)
    if (!(STRATEGY_NAMES as readonly string[]).includes(n))
      throw new UsageError(`--compare: unknown strategy "${n}" (expected ${STRATEGY_NAMES.join(', ')})`);
  return names as StrategyName[];
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Load, burst and chaos runs with an HTML report',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      scenario: { type: 'string' },
      target: { type: 'string' },
      duration: { type: 'string' },
      report: { type: 'string' },
      compare: { type: 'string' },
      seed: { type: 'string' },
      'time-scale': { type: 'string' },
    });
    const scenario = values['scenario'];
    if (typeof scenario !== 'string' || scenario === '') throw new UsageError('--scenario is required');
    const str = (k: string): string | undefined =>
      typeof values[k] === 'string' ? (values[k] as string) : undefined;
    const durationS = numberFlag(str('duration'), 'duration', { min: 1 });
    const seed = numberFlag(str('seed'), 'seed', { integer: true });
    const timeScale = numberFlag(str('time-scale'), 'time-scale', { min: 0.001 });
    const target = str('target');
    if (target !== undefined && !/^https?:\/\//.test(target))
      throw new UsageError(`--target must be an http(s) URL, got "${target}"`);
    const compare = parseCompare(str('compare'));
    const reportDir = str('report');
    if (scenario === 'realtime-storm') return runStorm(str('compare'), seed, timeScale, reportDir);
    if (scenario === 'multi-instance' || scenario.endsWith('multi-instance.yaml'))
      return runMulti(scenario, durationS, reportDir);
    try {
      const { report, files } = await runBench({
        scenario,
        progress: createProgress(process.stderr),
        onWarning: (m) => console.error(`pacer bench: ${m}`),
        ...(target !== undefined
          ? { target, targetApiKey: process.env['OPENAI_API_KEY'] ?? 'sk-pacer-bench' }
          : {}),
        ...(durationS !== undefined ? { durationS } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(timeScale !== undefined ? { timeScale } : {}),
        ...(compare ? { compare } : {}),
        ...(reportDir !== undefined ? { reportDir } : {}),
      });
      console.log(formatTable(report));
      console.log(`\nreport: ${files.html}\n        ${files.json}`);
      // A report where nothing ran is a failure, not a result.
      return report.strategies.every((s) => s.skipped !== null) ? 1 : 0;
    } catch (err) {
      if (err instanceof ScenarioError) {
        console.error(`pacer bench: ${err.message}`);
        return 2;
      }
      throw err;
    }
  },
};

/** multi-instance runs gateway processes on one Redis: its own runner (fleet, drill). */
async function runMulti(
  scenario: string,
  durationS: number | undefined,
  reportDir: string | undefined,
): Promise<number> {
  const { runMultiInstance, formatMultiInstance, loadMultiInstanceScenario } =
    await import('../../bench/multi-instance/index.js');
  const { report, file } = await runMultiInstance(loadMultiInstanceScenario(scenario), {
    log: (line) => process.stderr.write(line + '\n'),
    ...(durationS !== undefined ? { durationS } : {}),
    ...(reportDir !== undefined ? { reportDir } : {}),
  });
  console.log(formatMultiInstance(report));
  console.log(`\nreport: ${file}`);
  return 0;
}

/** realtime-storm is not a request-rate scenario: it has its own runner (browsers, instances, sessions). */
async function runStorm(
  compare: string | undefined,
  seed: number | undefined,
  timeScale: number | undefined,
  reportDir: string | undefined,
): Promise<number> {
  const { runRealtimeStorm, formatStormTable } = await import('../../bench/realtime-storm/index.js');
  const { writeStormReport } = await import('../../bench/realtime-storm/report.js');
  const modes = (compare ?? 'naive,pacer').split(',').map((m) => m.trim());
  for (const m of modes)
    if (m !== 'naive' && m !== 'pacer')
      throw new UsageError(`--compare for realtime-storm takes naive and pacer, got "${m}"`);
  const results = [];
  for (const mode of modes as ('naive' | 'pacer')[]) {
    process.stderr.write(`realtime-storm: ${mode}…\n`);
    results.push(
      await runRealtimeStorm({
        mode,
        ...(seed !== undefined ? { seed } : {}),
        ...(timeScale !== undefined ? { timeScale } : {}),
      }),
    );
  }
  console.log(formatStormTable(results));
  const files = writeStormReport(reportDir ?? 'reports/realtime-storm', results);
  console.log(`\nreport: ${files.html}\n        ${files.json}`);
  return 0;
}
