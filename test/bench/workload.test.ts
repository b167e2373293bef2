import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../src/core/clock.js';
import { BACKOFF, backoffDelayMs } from '../../src/bench/strategies/backoff.js';
import { createStreamTap } from '../../src/bench/stream-tap.js';
import { parseScenario } from '../../src/bench/scenario.js';
import { buildPlan, makePrompt, requestBody } from '../../src/bench/workload.js';

const scenario = parseScenario(`name: w
load: { demand: 1 }
prompt_tokens: [{ tokens: 100, weight: 1 }, { tokens: 300, weight: 1 }]
output_tokens: [{ tokens: 100 }]
stream_fraction: 0.5
routes: { chat: 1, responses: 1 }
tenants: [{ name: a, share: 3 }, { name: b, share: 1, priority: interactive, deadline_ms: 500 }]
simulator: { tpm: 60000, time_scale: 10 }
`);

describe('buildPlan', () => {
  it('sizes the arrival rate from the token ceiling and the mean charge', () => {
    const plan = buildPlan(scenario, { durationS: 30 });
    // 60,000 TPM at time scale 10 = 10,000 tokens per wall second; mean charge 200 + 100.
    expect(plan.ceilingTokensPerS).toBe(10_000);
    expect(plan.meanCharge).toBe(300);
    expect(plan.ratePerS).toBeCloseTo(10_000 / 300);
    expect(Math.abs(plan.requests.length - 1000)).toBeLessThan(160);
  });

  it('is the same plan for the same seed, and tenants follow their shares', () => {
    const a = buildPlan(scenario, { durationS: 30, seed: 9 });
    const b = buildPlan(scenario, { durationS: 30, seed: 9 });
    expect(a.requests.map((r) => [r.atMs, r.tenant, r.route, r.stream, r.charge])).toEqual(
      b.requests.map((r) => [r.atMs, r.tenant, r.route, r.stream, r.charge]),
    );
    const share = a.requests.filter((r) => r.tenant === 'a').length / a.requests.length;
    expect(share).toBeGreaterThan(0.68);
    expect(share).toBeLessThan(0.82);
    const bReq = a.requests.find((r) => r.tenant === 'b');
    expect(bReq).toMatchObject({ priority: 'interactive', deadlineMs: 500 });
  });

  it('charges ceil(chars / 4) + requested output, like the upstream', () => {
    const plan = buildPlan(scenario, { durationS: 5 });
    for (const r of plan.requests) expect(r.charge).toBe(Math.ceil(r.prompt.length / 4) + r.maxOutput);
    expect(makePrompt(100)).toHaveLength(400);
  });

  it('builds real request bodies for both routes', () => {
    const r = buildPlan(scenario, { durationS: 5 }).requests[0]!;
    const chat = requestBody({ ...r, route: 'chat', stream: true });
    expect(chat).toMatchObject({
      model: 'gpt-4o-mini',
      max_completion_tokens: r.maxOutput,
      stream: true,
      stream_options: { include_usage: true },
    });
    const resp = requestBody({ ...r, route: 'responses', stream: false });
    expect(resp).toEqual({ model: 'gpt-4o-mini', input: r.prompt, max_output_tokens: r.maxOutput });
  });
});

describe('backoffDelayMs', () => {
  it('is full jitter under a doubling, capped ceiling, scaled by the time scale', () => {
    const rng = createSeededRng(5);
    for (let retry = 0; retry < 10; retry++) {
      const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** retry);
      for (let k = 0; k < 200; k++) {
        const d = backoffDelayMs(retry, rng);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
    expect(backoffDelayMs(10, { next: () => 0.999999 }, 10)).toBeCloseTo(6000, 0);
  });
});

describe('createStreamTap', () => {
  it('finds the first content delta and the usage chunk of a chat stream', () => {
    const tap = createStreamTap('chat');
    tap.observe({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }], usage: null }, 1);
    tap.observe({ choices: [{ index: 0, delta: { content: 'Hi' } }], usage: null }, 2);
    tap.observe({ choices: [{ index: 0, delta: { content: '!' } }], usage: null }, 3);
    tap.observe({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 2 } }, 4);
    expect(tap).toMatchObject({ firstDeltaAt: 2, inputTokens: 11, outputTokens: 2, failed: false });
  });

  it('reads Responses events and their terminal states', () => {
    const tap = createStreamTap('responses');
    tap.observe({ type: 'response.created', response: { usage: null } }, 1);
    tap.observe({ type: 'response.output_text.delta', delta: 'x' }, 5);
    tap.observe(
      { type: 'response.completed', response: { usage: { input_tokens: 7, output_tokens: 3 } } },
      9,
    );
    expect(tap).toMatchObject({
      firstDeltaAt: 5,
      inputTokens: 7,
      outputTokens: 3,
      finished: true,
      failed: false,
    });
    const bad = createStreamTap('responses');
    bad.observe({ type: 'error', code: 'server_error' }, 1);
    expect(bad.failed).toBe(true);
  });
});
