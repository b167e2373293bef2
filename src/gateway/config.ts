/**
 * Gateway configuration: YAML (default `pacer.yaml` when present, else `--config FILE`),
 * overridden by env `PACER_*`, validated once at boot into a typed, frozen object. Errors name
 * the file, the line, the field path and what is wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import { DEFAULT_MAX_OUTPUT_TOKENS, expandPools, outputDefaultsSchema } from './output-defaults.js';

const count = z.number().int().nonnegative();
const limits = { rpm: count.optional(), tpm: count.optional(), rpd: count.optional(), tpd: count.optional() };

const poolSchema = z.strictObject({ ...limits, models: z.array(z.string().min(1)).default([]) });

const planSchema = z.strictObject({
  ...limits,
  requests_per_day: count.optional(),
  tokens_per_day: count.optional(),
  /** Share of a minute's budget that may be spent at once (1 = the whole minute). */
  burst: z.number().positive().max(1).default(1),
  /** Cap on the estimated prompt tokens of one request (413 request_too_large over it). */
  max_prompt_tokens: z.number().int().positive().optional(),
  usd_per_day: z.number().nonnegative().optional(),
  usd_per_month: z.number().nonnegative().optional(),
  models: z.array(z.string().min(1)).optional(),
  weight: z.number().positive().default(1),
  priority: z.enum(['interactive', 'default', 'batch']).optional(),
});

const tenantSchema = z.strictObject({
  plan: z.string().min(1).optional(),
  weight: z.number().positive().optional(),
  /** Static virtual keys (keys made with `pacer keys create` live in the key store). */
  keys: z.array(z.string().min(8)).default([]),
});

const fraction = z.number().min(0).max(1);

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8787),
      })
      .prefault({}),
    upstream: z
      .strictObject({
        base_url: z.url({ protocol: /^https?$/ }).optional(),
        timeout_ms: z.number().int().positive().default(600_000),
        /** Longest silence between body chunks (a stalled stream) before it is cut. */
        idle_timeout_ms: z.number().int().positive().default(120_000),
        connections: z.number().int().positive().default(256),
      })
      .prefault({}),
    pools: z.record(z.string().min(1), poolSchema).default({}),
    plans: z.record(z.string().min(1), planSchema).default({}),
    tenants: z.record(z.string().min(1), tenantSchema).default({}),
    headroom: fraction.default(0.02),
    burst_seconds: z.number().positive().default(20),
    reserved_interactive_share: fraction.default(0.5),
    /** Requests a tenant may have waiting for one pool before its further `default` ones queue as batch (0 = off). */
    backlog_demote_after: count.default(4),
    default_deadline_ms: z.number().int().nonnegative().default(30_000),
    /** Cap on x-pacer-deadline-ms (larger values are lowered to it); default the SDK's 10-minute timeout. */
    max_deadline_ms: z.number().int().nonnegative().default(600_000),
    /** A number, or a map of model / family / pool name to a number with `default` as the fallback. */
    default_max_output_tokens: outputDefaultsSchema.default(DEFAULT_MAX_OUTPUT_TOKENS),
    /** Cap on the estimated tokens of one request (input + output); none when left out. */
    max_request_tokens: z.number().int().positive().optional(),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024),
    retry: z
      .strictObject({
        max_attempts: z.number().int().min(1).max(10).default(3),
        base_ms: z.number().int().nonnegative().default(250),
        cap_ms: z.number().int().nonnegative().default(8000),
        budget_ratio: fraction.default(0.1),
      })
      .prefault({}),
    cors: z.strictObject({ origins: z.array(z.string().min(1)).default(['*']) }).prefault({}),
    admin: z.strictObject({ token: z.string().min(8).optional() }).prefault({}),
    demo_key: z.string().min(1).default('pacer-demo-key'),
    time_scale: z.number().positive().default(1),
    redis_url: z.string().min(1).optional(),
    /** Usage ledger: `sqlite:PATH`, a `postgres://` URL, or `off`. */
    ledger: z.string().min(1).default('sqlite:.pacer/ledger.sqlite'),
    /** Virtual keys made with `pacer keys create` (read on every lookup: revocation is immediate). */
    keys_db: z.string().min(1).default('.pacer/keys.sqlite'),
    otlp_endpoint: z.string().min(1).optional(),
    log_requests: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    if (c.default_deadline_ms > c.max_deadline_ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_deadline_ms'],
        message: `must not exceed max_deadline_ms (${c.max_deadline_ms})`,
      });
    }
    // A tenant naming a plan that does not exist would silently run unlimited.
    for (const [name, t] of Object.entries(c.tenants)) {
      if (t.plan !== undefined && !(t.plan in c.plans)) {
        const known = Object.keys(c.plans);
        ctx.addIssue({
          code: 'custom',
          path: ['tenants', name, 'plan'],
          message: `plan "${t.plan}" is not defined in plans (known: ${known.length ? known.join(', ') : 'none'})`,
        });
      }
    }
  })
  .transform((c) => ({
    ...c,
    default_max_output_tokens: expandPools(c.default_max_output_tokens, c.pools),
  }));

export type RawConfig = z.input<typeof configSchema>;
export type GatewayConfig = Readonly<z.output<typeof configSchema>> & { readonly source: string | null };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Env names that map to a field; every scalar leaf is `PACER_` + its path in upper snake case. */
type Kind = 'string' | 'number' | 'boolean' | 'list';
const ENV_LEAVES: [string[], Kind][] = [
  [['server', 'host'], 'string'],
  [['server', 'port'], 'number'],
  [['upstream', 'base_url'], 'string'],
  [['upstream', 'timeout_ms'], 'number'],
  [['upstream', 'idle_timeout_ms'], 'number'],
  [['upstream', 'connections'], 'number'],
  [['headroom'], 'number'],
  [['burst_seconds'], 'number'],
  [['reserved_interactive_share'], 'number'],
  [['backlog_demote_after'], 'number'],
  [['default_deadline_ms'], 'number'],
  [['max_deadline_ms'], 'number'],
  [['default_max_output_tokens'], 'number'],
  [['max_request_tokens'], 'number'],
  [['max_body_bytes'], 'number'],
  [['retry', 'max_attempts'], 'number'],
  [['retry', 'base_ms'], 'number'],
  [['retry', 'cap_ms'], 'number'],
  [['retry', 'budget_ratio'], 'number'],
  [['cors', 'origins'], 'list'],
  [['admin', 'token'], 'string'],
  [['demo_key'], 'string'],
  [['time_scale'], 'number'],
  [['redis_url'], 'string'],
  [['ledger'], 'string'],
  [['keys_db'], 'string'],
  [['otlp_endpoint'], 'string'],
  [['log_requests'], 'boolean'],
];

export function envNameOf(path: string[]): string {
  return `PACER_${path.join('_').toUpperCase()}`;
}

function coerceEnv(name: string, value: string, kind: Kind): unknown {
  if (kind === 'string') return value;
  if (kind === 'list')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    throw new ConfigError(`env ${name}: expected true or false, got "${value}"`);
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new ConfigError(`env ${name}: expected a number, got "${value}"`);
  return n;
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export interface LoadConfigOptions {
  /** Explicit file (--config); when absent `pacer.yaml` in cwd is used if present. */
  path?: string;
  /** Already-parsed raw config (tests, library use); skips the file. */
  raw?: unknown;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Reads, merges env and validates; throws ConfigError with file, line, path and reason. */
export function loadConfig(opts: LoadConfigOptions = {}): GatewayConfig {
  const env = opts.env ?? {};
  let raw: unknown = opts.raw ?? {};
  let source: string | null = null;
  let locate: (path: PropertyKey[]) => string = () => '';
  if (opts.raw === undefined) {
    const file = opts.path ?? resolve(opts.cwd ?? '.', 'pacer.yaml');
    if (opts.path !== undefined || existsSync(file)) {
      source = file;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new ConfigError(`${file}: cannot read config: ${(err as Error).message}`);
      }
      const parsed = parseYaml(file, text);
      raw = parsed.value;
      locate = parsed.locate;
    }
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`${source ?? 'config'}: the top level must be a mapping`);
  const merged = structuredClone(raw) as Record<string, unknown>;
  for (const [path, kind] of ENV_LEAVES) {
    const name = envNameOf(path);
    const value = env[name];
    if (value !== undefined && value !== '') setIn(merged, path, coerceEnv(name, value, kind));
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = [...issue.path];
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys;
        const at = locate([...path, keys[0] ?? '']);
        return `${at}${formatPath(path) || '(top level)'}: unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${locate(path)}${formatPath(path) || '(top level)'}: ${issue.message}`;
    });
    throw new ConfigError(`invalid config${source ? ` in ${source}` : ''}:\n  ${lines.join('\n  ')}`);
  }
  return deepFreeze({ ...result.data, source });
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function parseYaml(file: string, text: string): { value: unknown; locate: (path: PropertyKey[]) => string } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    throw new ConfigError(
      `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
    );
  }
  const locate = (path: PropertyKey[]): string => {
    // The deepest node that exists on the path gives the line.
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return `${file}:${line}:${col}: `;
      }
    }
    return `${file}: `;
  };
  return { value: doc.toJS(), locate };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
