/**
 * `default_max_output_tokens` (config) and `defaultMaxOutputTokens` (in-process library): the
 * output reserved for a request that names no cap. Either one number, or a map from a model id,
 * a family (the alias dated snapshots resolve to) or a pool name to a number, with `default` as
 * the fallback (4096 when left out). Validated once, with the path of the bad entry.
 */
import { z } from 'zod';
import type { OutputDefaults } from '../core/tokens/estimate.js';

export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

const tokens = z
  .number({ error: 'expected a whole number of output tokens' })
  .int({ error: 'expected a whole number of output tokens' })
  .positive({ error: 'must be at least 1' });
const byName = z.record(z.string(), tokens);

/**
 * The branch is picked by the value's shape, so an error names the entry that is wrong
 * (`default_max_output_tokens.gpt-4o: must be at least 1`) rather than "invalid union".
 */
export const outputDefaultsSchema = z.unknown().transform((value, ctx): OutputDefaults => {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if (Object.hasOwn(value, '')) {
      ctx.addIssue({ code: 'custom', message: 'a model, family or pool name cannot be empty', path: [''] });
      return z.NEVER;
    }
    const parsed = byName.safeParse(value);
    if (parsed.success) return withFallback(parsed.data);
    for (const issue of parsed.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  const parsed = tokens.safeParse(value);
  if (parsed.success) return parsed.data;
  ctx.addIssue({
    code: 'custom',
    message: `expected a whole number of output tokens (at least 1), or a map of model, family or pool name to one (key "default" = fallback)`,
  });
  return z.NEVER;
});

/** A map always resolves: without `default` the fallback is the number form's default. */
function withFallback(map: Record<string, number>): OutputDefaults {
  return Object.hasOwn(map, 'default') ? map : { ...map, default: DEFAULT_MAX_OUTPUT_TOKENS };
}

/**
 * Configured pools are named in the map like models: each model of a pool without an entry of
 * its own gets the pool's (catalog pools, e.g. `realtime`, are resolved by the estimator).
 */
export function expandPools(
  defaults: OutputDefaults,
  pools: Readonly<Record<string, { models: readonly string[] }>>,
): OutputDefaults {
  if (typeof defaults === 'number') return defaults;
  let out: Record<string, number> | undefined;
  for (const [pool, { models }] of Object.entries(pools)) {
    const n = Object.hasOwn(defaults, pool) ? defaults[pool] : undefined;
    if (n === undefined) continue;
    for (const m of models) {
      if (Object.hasOwn(defaults, m)) continue;
      out ??= { ...defaults };
      out[m] = n;
    }
  }
  return out ?? defaults;
}

/** Validates the library option; throws a TypeError naming the bad entry. */
export function parseOutputDefaults(value: unknown, field: string): OutputDefaults {
  if (value === undefined) return DEFAULT_MAX_OUTPUT_TOKENS;
  const r = outputDefaultsSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [field, ...(issue?.path ?? []).map(String)].join('.');
  throw new TypeError(`${path}: ${issue?.message ?? 'invalid value'}`);
}
