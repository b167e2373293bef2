import { forkRng } from '../core/clock.js';
import type { Priority } from '../engine/types.js';
import { generateArrivals, pickWeighted } from './arrivals.js';
import type { Scenario } from './scenario.js';

export type Route = 'chat' | 'responses';

/** One request of the run, fixed before the run starts so every strategy gets the same load. */
export interface PlannedRequest {
  i: number;
  /** Arrival time, ms from the start of the run. */
  atMs: number;
  tenant: string;
  priority: Priority;
  deadlineMs: number | undefined;
  route: Route;
  stream: boolean;
  model: string;
  prompt: string;
  maxOutput: number;
  /** What the upstream charges against TPM at admission: ceil(chars / 4) + requested output. */
  charge: number;
}

export interface Plan {
  requests: PlannedRequest[];
  /** Arrivals per wall-clock second. */
  ratePerS: number;
  /** Mean admission charge of one request, tokens. */
  meanCharge: number;
  /** Token ceiling per wall-clock second: TPM scaled by the time scale. */
  ceilingTokensPerS: number;
}

const FILLER = 'The quick brown fox jumps over the lazy dog while pacing tokens under quota. ';

/** A prompt of about `tokens` tokens as the upstream estimates them (4 characters each). */
export function makePrompt(tokens: number): string {
  const chars = tokens * 4;
  return FILLER.repeat(Math.ceil(chars / FILLER.length)).slice(0, chars);
}

function meanOf(mix: { tokens: number; weight: number }[]): number {
  let w = 0;
  let s = 0;
  for (const m of mix) {
    w += m.weight;
    s += m.weight * m.tokens;
  }
  return s / w;
}

/** Builds the seeded arrival plan: Poisson arrivals, then size, route, stream and tenant draws. */
export function buildPlan(
  s: Scenario,
  opts: { durationS?: number; timeScale?: number; seed?: number } = {},
): Plan {
  const durationS = opts.durationS ?? s.duration_s;
  const timeScale = opts.timeScale ?? s.simulator.time_scale;
  const seed = opts.seed ?? s.seed;
  const meanCharge = meanOf(s.prompt_tokens) + meanOf(s.output_tokens);
  const ceilingTokensPerS = (s.simulator.tpm * timeScale) / 60;
  const ratePerS = s.load.rate_per_s ?? ((s.load.demand ?? 1) * ceilingTokensPerS) / meanCharge;

  const arrivals = generateArrivals(ratePerS, durationS, forkRng(seed, 'arrivals'));
  const rng = forkRng(seed, 'workload');
  const promptWeights = s.prompt_tokens.map((m) => m.weight);
  const outputWeights = s.output_tokens.map((m) => m.weight);
  const tenantWeights = s.tenants.map((t) => t.share);
  const routeWeights = [s.routes.chat, s.routes.responses];
  const prompts = new Map<number, string>();

  const requests = arrivals.map((atMs, i): PlannedRequest => {
    const promptTokens = s.prompt_tokens[pickWeighted(promptWeights, rng)]?.tokens ?? 1;
    const maxOutput = s.output_tokens[pickWeighted(outputWeights, rng)]?.tokens ?? 1;
    const tenant = s.tenants[pickWeighted(tenantWeights, rng)] ?? s.tenants[0];
    const route: Route = pickWeighted(routeWeights, rng) === 0 ? 'chat' : 'responses';
    const stream = rng.next() < s.stream_fraction;
    let prompt = prompts.get(promptTokens);
    if (prompt === undefined) {
      prompt = makePrompt(promptTokens);
      prompts.set(promptTokens, prompt);
    }
    return {
      i,
      atMs,
      tenant: tenant?.name ?? 'default',
      priority: tenant?.priority ?? 'default',
      deadlineMs: tenant?.deadline_ms,
      route,
      stream,
      model: s.model,
      prompt,
      maxOutput,
      charge: Math.ceil(prompt.length / 4) + maxOutput,
    };
  });
  return { requests, ratePerS, meanCharge, ceilingTokensPerS };
}

/** The id every strategy sends as x-client-request-id: the planned index, stable across paired runs. */
export function benchRequestId(r: PlannedRequest): string {
  return `bench-${r.i}`;
}

/**
 * The plan with the named tenants' requests removed. Tenants are drawn per request from one
 * arrival stream, so the others' requests stay exactly as planned: same index, time, size,
 * route and stream flag (and so the same x-client-request-id).
 */
export function withoutTenants(
  requests: readonly PlannedRequest[],
  tenants: readonly string[],
): PlannedRequest[] {
  const drop = new Set(tenants);
  return requests.filter((r) => !drop.has(r.tenant));
}

/** The request body as the real API takes it (the same for every strategy). */
export function requestBody(r: PlannedRequest): Record<string, unknown> {
  if (r.route === 'chat') {
    const body: Record<string, unknown> = {
      model: r.model,
      messages: [{ role: 'user', content: r.prompt }],
      max_completion_tokens: r.maxOutput,
    };
    if (r.stream) {
      body['stream'] = true;
      body['stream_options'] = { include_usage: true };
    }
    return body;
  }
  const body: Record<string, unknown> = { model: r.model, input: r.prompt, max_output_tokens: r.maxOutput };
  if (r.stream) body['stream'] = true;
  return body;
}
