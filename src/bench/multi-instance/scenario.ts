import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { resolveScenarioPath, ScenarioError } from '../scenario.js';

const schema = z.object({
  name: z.literal('multi-instance'),
  description: z.string().default(''),
  model: z.string().default('gpt-4o-mini'),
  instances: z.number().int().min(1).max(8).default(3),
  duration_s: z.number().positive().default(25),
  warmup_s: z.number().nonnegative().default(5),
  seed: z.number().int().default(1),
  load: z
    .object({
      demand: z.number().positive().default(1.2),
      prompt_words: z.number().int().positive().default(60),
      max_tokens: z.number().int().positive().default(150),
    })
    .prefault({}),
  gateway: z.object({ default_deadline_ms: z.number().int().positive().default(5000) }).prefault({}),
  simulator: z
    .object({
      rpm: z.number().positive().default(5000),
      tpm: z.number().positive().default(24000),
      ttft_ms: z.number().nonnegative().default(150),
      tokens_per_s: z.number().positive().default(200),
      time_scale: z.number().positive().default(10),
    })
    .prefault({}),
  drill: z
    .object({
      enabled: z.boolean().default(true),
      down_s: z.number().positive().default(6),
      after_s: z.number().positive().default(6),
    })
    .prefault({}),
});

export type MultiInstanceScenario = z.output<typeof schema>;

/** True when a scenario name or file is the multi-instance one (its own runner). */
export function isMultiInstance(nameOrPath: string): boolean {
  if (nameOrPath === 'multi-instance') return true;
  try {
    return /^name:\s*multi-instance\s*$/m.test(readFileSync(resolveScenarioPath(nameOrPath), 'utf8'));
  } catch {
    return false;
  }
}

export function loadMultiInstanceScenario(nameOrPath: string): MultiInstanceScenario {
  const file = resolveScenarioPath(nameOrPath);
  const r = schema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!r.success)
    throw new ScenarioError(
      `${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
