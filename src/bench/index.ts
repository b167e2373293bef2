import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyReport } from './empty-report.js';
import { silentProgress, type Progress } from './progress.js';
import { renderReportHtml } from './report-html.js';
import { reportSchema, type Report, type StrategyReport } from './report-schema.js';
import { runStrategy } from './runner.js';
import { compareFairness } from './fairness.js';
import { loadScenario, type Scenario, type StrategyName } from './scenario.js';
import { buildPlan, withoutTenants, type PlannedRequest } from './workload.js';

export {
  loadScenario,
  parseScenario,
  ScenarioError,
  STRATEGY_NAMES,
  type Scenario,
  type StrategyName,
} from './scenario.js';
export { reportSchema, type Report, type StrategyReport } from './report-schema.js';
export { formatFairness, formatTable } from './table.js';
export { compareFairness, FAIRNESS_GOALS } from './fairness.js';
export { createProgress } from './progress.js';

export interface BenchOptions {
  /** Bundled scenario name ("steady") or a path to a YAML file. */
  scenario: string;
  /** Upstream base URL (incl. /v1) instead of a fresh simulator per strategy. */
  target?: string;
  targetApiKey?: string;
  durationS?: number;
  /** Folder for report.json and report.html (created). */
  reportDir?: string;
  compare?: StrategyName[];
  seed?: number;
  timeScale?: number;
  progress?: Progress;
  /** Told when a strategy is skipped. */
  onWarning?: (message: string) => void;
}

export interface BenchResult {
  report: Report;
  files: { json: string; html: string };
}

/**
 * Runs every strategy on the same seeded plan, one after the other, then the paired baseline
 * (when the scenario has one), and writes the report.
 */
export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const { scenario, file } = loadScenario(o.scenario);
  const durationS = o.durationS ?? scenario.duration_s;
  const timeScale = o.timeScale ?? scenario.simulator.time_scale;
  const seed = o.seed ?? scenario.seed;
  // Default warm-up: one simulated minute (buckets start full), at most 40% of the run.
  const warmupS = scenario.warmup_s ?? Math.min(60 / timeScale, durationS * 0.4);
  const steady: [number, number] = [Math.min(warmupS, durationS), durationS];
  const plan = buildPlan(scenario, { durationS, timeScale, seed });
  const strategies = o.compare ?? scenario.strategies;

  const runOpts = {
    scenario,
    durationS,
    timeScale,
    seed,
    steady,
    progress: o.progress ?? silentProgress,
    ...(o.target ? { target: o.target, ...(o.targetApiKey ? { targetApiKey: o.targetApiKey } : {}) } : {}),
  };
  const runOne = async (
    name: StrategyName,
    requests: PlannedRequest[],
    label?: string,
  ): Promise<StrategyReport> => {
    try {
      const progress = label === undefined ? runOpts.progress : relabel(runOpts.progress, label);
      return await runStrategy(name, { ...runOpts, requests, progress });
    } catch (err) {
      // One strategy that cannot start (missing module, bad gateway config) must not lose the others.
      const why =
        (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND'
          ? `${name === 'pacer' ? 'gateway' : 'simulator'} not available in this build`
          : `failed: ${(err as Error).message}`;
      o.onWarning?.(`${name}: ${why}`);
      return emptyReport(name, why);
    }
  };

  const results: StrategyReport[] = [];
  for (const name of strategies) results.push(await runOne(name, plan.requests));
  const baseline = await runBaseline(scenario, plan.requests, results, runOne, { timeScale, o });

  const report: Report = reportSchema.parse({
    version: 1,
    created_at: new Date().toISOString(),
    scenario: {
      name: scenario.name,
      file,
      description: scenario.description,
      model: scenario.model,
      seed,
      duration_s: durationS,
      warmup_s: steady[0],
      drain_s: scenario.drain_s,
      time_scale: timeScale,
      demand: scenario.load.demand ?? null,
      rate_per_s: plan.ratePerS,
      planned_requests: plan.requests.length,
      tpm: scenario.simulator.tpm,
      rpm: scenario.simulator.rpm,
      steady_window_s: steady,
      ...(scenario.goals ? { goals: scenario.goals } : {}),
    },
    strategies: results,
    ...(baseline ? { baseline } : {}),
  });
  const dir = path.resolve(o.reportDir ?? path.join('reports', scenario.name));
  await mkdir(dir, { recursive: true });
  const files = { json: path.join(dir, 'report.json'), html: path.join(dir, 'report.html') };
  await writeFile(files.json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files.html, renderReportHtml(report));
  return { report, files };
}

/**
 * The paired baseline: pacer again on the same plan minus the `baseline.without` tenants, on a
 * fresh simulator, then the fairness comparison. Needs the loaded pacer run and a fresh upstream.
 */
async function runBaseline(
  scenario: Scenario,
  requests: PlannedRequest[],
  results: StrategyReport[],
  runOne: (name: StrategyName, requests: PlannedRequest[], label?: string) => Promise<StrategyReport>,
  c: { timeScale: number; o: BenchOptions },
): Promise<Report['baseline']> {
  const without = scenario.baseline?.without;
  if (!without) return undefined;
  const loaded = results.find((r) => r.name === 'pacer');
  if (!loaded) return undefined;
  if (c.o.target) {
    c.o.onWarning?.('baseline: skipped with --target (it needs a fresh simulator)');
    return undefined;
  }
  const kept = withoutTenants(requests, without);
  const run = await runOne('pacer', kept, 'pacer (baseline)');
  const fairness =
    loaded.skipped || run.skipped
      ? null
      : compareFairness({
          loaded,
          baseline: run,
          without,
          tpm: scenario.simulator.tpm,
          timeScale: c.timeScale,
        });
  return { without: [...without], requests: kept.length, run, fairness };
}

function relabel(p: Progress, strategy: string): Progress {
  return { update: (s) => p.update({ ...s, strategy }), done: (s) => p.done({ ...s, strategy }) };
}
