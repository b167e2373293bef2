import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { findModel } from '../core/models.js';

/** A weighted size bucket: `tokens` of prompt (or requested output), picked with `weight`. */
const sizeMix = z
  .array(
    z.strictObject({
      tokens: z.number().int().min(1).max(100_000),
      weight: z.number().positive().default(1),
    }),
  )
  .min(1, 'needs at least one { tokens, weight } entry');

const tenantSchema = z.strictObject({
  name: z.string().min(1),
  /** Fraction of arrivals this tenant sends (normalized over all tenants). */
  share: z.number().positive().default(1),
  /** Weighted-fair share the gateway should give it (sent nowhere by raw strategies). */
  weight: z.number().positive().default(1),
  priority: z.enum(['interactive', 'default', 'batch']).default('default'),
  /** Max queue wait the tenant accepts (x-pacer-deadline-ms); raw strategies stop retrying past it. */
  deadline_ms: z.number().int().positive().optional(),
});

const simulatorSchema = z.strictObject({
  rpm: z.number().int().positive().default(500),
  tpm: z.number().int().positive().default(20_000),
  rpd: z.number().int().positive().optional(),
  tpd: z.number().int().positive().optional(),
  ttft_ms: z.number().min(0).default(150),
  tokens_per_s: z.number().positive().default(100),
  time_scale: z.number().positive().max(1000).default(10),
  fault_429: z.number().min(0).max(1).default(0),
  fault_5xx: z.number().min(0).max(1).default(0),
  fault_stall: z.number().min(0).max(1).default(0),
  fault_reset: z.number().min(0).max(1).default(0),
  settle_usage: z.boolean().default(false),
});

const loadSchema = z
  .strictObject({
    /** Demand as a multiple of the token ceiling (TPM): 1 = exactly the quota. */
    demand: z.number().positive().max(100).optional(),
    /** Or a fixed arrival rate, requests per wall-clock second. */
    rate_per_s: z.number().positive().max(5000).optional(),
  })
  .refine(
    (l) => (l.demand === undefined) !== (l.rate_per_s === undefined),
    'set exactly one of demand or rate_per_s',
  );

export const STRATEGY_NAMES = ['naive', 'backoff', 'sdk', 'pacer'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    model: z
      .string()
      .refine((m) => findModel(m) !== undefined, 'unknown model (see src/core/models.ts)')
      .default('gpt-4o-mini'),
    /** Wall-clock seconds of load. */
    duration_s: z.number().positive().max(3600).default(20),
    /** Wall-clock seconds excluded from steady-state figures at the start (default: one simulated minute). */
    warmup_s: z.number().min(0).optional(),
    /** Longest wait for in-flight requests after the load stops; the rest are cut and counted as errors. */
    drain_s: z.number().min(0).max(600).default(5),
    seed: z.number().int().default(1),
    load: loadSchema,
    prompt_tokens: sizeMix,
    output_tokens: sizeMix,
    stream_fraction: z.number().min(0).max(1).default(0.5),
    routes: z
      .strictObject({ chat: z.number().min(0).default(1), responses: z.number().min(0).default(0) })
      .refine((r) => r.chat + r.responses > 0, 'at least one route needs a positive weight')
      .default({ chat: 1, responses: 0 }),
    tenants: z
      .array(tenantSchema)
      .min(1)
      .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'tenant names must be unique')
      .default([{ name: 'default', share: 1, weight: 1, priority: 'default' }]),
    simulator: simulatorSchema.default(simulatorSchema.parse({})),
    /** Gateway config for the pacer strategy (pacer.yaml keys, e.g. burst_seconds); checked by the gateway. */
    gateway: z.record(z.string(), z.unknown()).default({}),
    strategies: z.array(z.enum(STRATEGY_NAMES)).min(1).default(['naive', 'backoff', 'sdk', 'pacer']),
    /**
     * Goals checked on every strategy's figures and printed pass/fail (burst: issue #3's goal for
     * pacer). Client-visible errors exclude deadline sheds and requests unfinished at the drain.
     */
    goals: z
      .strictObject({
        goodput_min_pct: z.number().min(0).max(1000),
        upstream_429_max_pct: z.number().min(0).max(100),
        client_visible_errors_max: z.number().int().min(0),
      })
      .optional(),
    /** Runs pacer again on the same plan without these tenants' requests, and compares (fairness). */
    baseline: z
      .strictObject({ without: z.array(z.string().min(1)).min(1, 'name at least one tenant') })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.baseline) return;
    const names = new Set(s.tenants.map((t) => t.name));
    s.baseline.without.forEach((name, i) => {
      if (!names.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['baseline', 'without', i],
          message: `unknown tenant "${name}"`,
        });
    });
    if (s.tenants.every((t) => s.baseline?.without.includes(t.name)))
      ctx.addIssue({
        code: 'custom',
        path: ['baseline', 'without'],
        message: 'must leave at least one tenant',
      });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type TenantSpec = z.infer<typeof tenantSchema>;

export class ScenarioError extends Error {}

/** Folder of the bundled scenarios: <package>/scenarios, found from src/bench or dist/src/bench alike. */
export function scenariosDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'scenarios');
    if (existsSync(candidate) && existsSync(path.join(dir, 'package.json'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve('scenarios');
}

/** A name ("steady") resolves to the bundled file; anything with a slash or .yaml is a path. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.ya?ml$/.test(nameOrPath))
    return path.resolve(nameOrPath);
  return path.join(scenariosDir(), `${nameOrPath}.yaml`);
}

export function loadScenario(nameOrPath: string): { scenario: Scenario; file: string } {
  const file = resolveScenarioPath(nameOrPath);
  if (!existsSync(file)) throw new ScenarioError(`scenario "${nameOrPath}" not found (looked for ${file})`);
  return { scenario: parseScenario(readFileSync(file, 'utf8'), file), file };
}

/** Parses and validates YAML text; errors name the file, the line and the field path. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lines.linePos(yamlError.pos[0]);
    throw new ScenarioError(`${file}:${pos.line}: invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const result = scenarioSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ScenarioError(`${file}: invalid scenario`);
  const fieldPath = issue.path.map(String);
  const line = lineOf(doc, fieldPath, lines);
  const where = fieldPath.length > 0 ? fieldPath.join('.') : '(top level)';
  throw new ScenarioError(`${file}${line === undefined ? '' : `:${line}`}: ${where}: ${issue.message}`);
}

/** The line of the deepest node of `fieldPath` that exists in the document. */
function lineOf(
  doc: ReturnType<typeof parseDocument>,
  fieldPath: string[],
  lines: LineCounter,
): number | undefined {
  for (let n = fieldPath.length; n >= 0; n--) {
    const keys = fieldPath.slice(0, n).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = n === 0 ? doc.contents : doc.getIn(keys, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}
