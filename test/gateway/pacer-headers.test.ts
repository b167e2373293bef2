import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacerError } from '../../src/core/errors.js';
import { ConfigError, loadConfig } from '../../src/gateway/config.js';
import {
  DEFAULT_MAX_DEADLINE_MS,
  parseDeadlineMs,
  parsePriority,
  type HeaderValue,
} from '../../src/gateway/pacer-headers.js';
import { startHarness, type Harness } from './helpers.js';

function refusal(fn: () => unknown): PacerError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PacerError) return err;
    throw err;
  }
  throw new Error('expected a PacerError');
}

describe('x-pacer-priority', () => {
  it('is one of interactive, default, batch (any case, trimmed) or absent', () => {
    expect(parsePriority(undefined)).toBeUndefined();
    expect(parsePriority(null)).toBeUndefined();
    expect(parsePriority('interactive')).toBe('interactive');
    expect(parsePriority(' Batch ')).toBe('batch');
    expect(parsePriority(['default'])).toBe('default');
  });

  it.each<HeaderValue>(['urgent', '', 'high', ['batch', 'interactive']])(
    'refuses %j with a 400 naming the header',
    (value) => {
      const err = refusal(() => parsePriority(value));
      expect(err.status).toBe(400);
      expect(err.code).toBe('PACER_INVALID_HEADER');
      expect(err.toBody().error).toMatchObject({
        type: 'invalid_request_error',
        param: 'x-pacer-priority',
        code: 'invalid_value',
      });
    },
  );
});

describe('x-pacer-deadline-ms', () => {
  it('is a number of ms >= 0, capped at the maximum', () => {
    expect(parseDeadlineMs(undefined, 1000)).toBeUndefined();
    expect(parseDeadlineMs('0', 1000)).toBe(0);
    expect(parseDeadlineMs('250', 1000)).toBe(250);
    expect(parseDeadlineMs('12.5', 1000)).toBe(12.5);
    expect(parseDeadlineMs('1e99', 1000)).toBe(1000);
    expect(parseDeadlineMs('3e9', DEFAULT_MAX_DEADLINE_MS)).toBe(DEFAULT_MAX_DEADLINE_MS);
  });

  it.each<HeaderValue>(['abc', '-1', '', ' ', '1.5e400', 'Infinity', '0x10', '5s', 'NaN', ['1', '2']])(
    'refuses %j with a 400 naming the header',
    (value) => {
      const err = refusal(() => parseDeadlineMs(value, 1000));
      expect(err.status).toBe(400);
      expect(err.param).toBe('x-pacer-deadline-ms');
      expect(err.message).toContain('x-pacer-deadline-ms');
    },
  );
});

describe('max_deadline_ms in the config', () => {
  it('defaults to the SDK timeout and must not be below default_deadline_ms', () => {
    expect(loadConfig({ raw: {}, env: {} }).max_deadline_ms).toBe(DEFAULT_MAX_DEADLINE_MS);
    expect(loadConfig({ raw: {}, env: { PACER_MAX_DEADLINE_MS: '45000' } }).max_deadline_ms).toBe(45_000);
    expect(() => loadConfig({ raw: { max_deadline_ms: 1000 }, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ raw: { max_deadline_ms: 1000 }, env: {} })).toThrow(/default_deadline_ms/);
  });
});

describe('the gateway answers an invalid header with an OpenAI-shaped 400', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${h.gw.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_completion_tokens: 5,
      }),
    });

  it.each([
    ['x-pacer-deadline-ms', 'abc'],
    ['x-pacer-deadline-ms', '-1'],
    ['x-pacer-deadline-ms', ''],
    ['x-pacer-deadline-ms', '1.5e400'],
    ['x-pacer-priority', 'urgent'],
  ])('%s: %j', async (name, value) => {
    const res = await post({ [name]: value });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-pacer-error-code')).toBe('PACER_INVALID_HEADER');
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: name, code: 'invalid_value' });
    expect(String(body.error['message'])).toContain(name);
  });

  it('a huge deadline is capped, not refused, and the request goes through', async () => {
    const res = await post({ 'x-pacer-deadline-ms': '1e99', 'x-pacer-priority': 'interactive' });
    expect(res.status).toBe(200);
  });
});
