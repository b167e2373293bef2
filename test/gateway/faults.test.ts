import { afterEach, describe, expect, it } from 'vitest';
import { APIError } from 'openai';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('upstream failures', () => {
  it('a reset mid-stream becomes an error the SDK sees, never a hang', async () => {
    h = await startHarness(
      { faultReset: 1, tokensPerS: 2000 },
      { config: { retry: { max_attempts: 2, base_ms: 1, cap_ms: 5 } } },
    );
    const client = h.client();
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      let chunks = 0;
      try {
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Tell me a story' }],
          max_completion_tokens: 200,
          stream: true,
        });
        for await (const _c of stream) chunks++;
        outcomes.push('completed');
      } catch (err) {
        expect(err).toBeInstanceOf(APIError);
        outcomes.push(chunks > 0 ? 'mid-stream' : `status ${(err as APIError).status}`);
      }
    }
    expect(outcomes).toContain('mid-stream');
    expect(outcomes).not.toContain('completed');
  });

  it('5xx is retried with bounded attempts, then 502/503; an open breaker answers 503 with retry-after', async () => {
    h = await startHarness(
      { fault5xx: 1 },
      { config: { retry: { max_attempts: 2, base_ms: 1, cap_ms: 5 } } },
    );
    const seen: { status: number; code: string | null; retryAfter: string | null }[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${h.gw.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      const body = (await res.json()) as { error: { code: string | null } };
      seen.push({ status: res.status, code: body.error.code, retryAfter: res.headers.get('retry-after') });
    }
    for (const s of seen) expect([502, 503]).toContain(s.status);
    const metrics = await (await fetch(h.gw.url.replace('/v1', '/metrics'))).text();
    expect(metrics).toMatch(/pacer_retries_total\{pool="gpt-4o-mini",reason="[^"]+"\} [1-9]/);
    const open = seen.find((s) => s.code === 'circuit_open');
    expect(open, JSON.stringify(seen)).toBeDefined();
    expect(Number(open?.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('insufficient_quota from the upstream passes through as a 429 and is not retried', async () => {
    h = await startHarness({ quotaTokens: 1 } as never);
    const send = (): Promise<Response> =>
      fetch(`${h?.gw.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
    await (await send()).text(); // spends the whole quota
    const before = h.sim.stats().requests;
    const res = await send();
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('insufficient_quota');
    expect(res.headers.get('x-pacer-retries')).toBe('0');
    expect(h.sim.stats().requests - before).toBe(1);
  });

  it('a stalled stream is cut after the idle timeout with an SSE error event', async () => {
    h = await startHarness(
      { faultStall: 1, tokensPerS: 2000 },
      { config: { upstream: { idle_timeout_ms: 300 } } },
    );
    const res = await fetch(`${h.gw.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        input: 'Tell me a long story',
        max_output_tokens: 400,
        stream: true,
      }),
    });
    expect(res.status).toBe(200);
    const text = await res.text(); // must end, not hang
    expect(text).toContain('event: error');
    expect(text).toContain('"code":"upstream_error"');
  });
});
