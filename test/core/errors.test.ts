import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, PacerError, retryAfterHeaders, type ErrorCode } from '../../src/core/errors.js';

describe('error registry', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it('docs/errors.md lists every code with its status and OpenAI code', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, `${code} missing from docs/errors.md`).toBeDefined();
      expect(row).toContain(`| ${spec.status} |`);
      expect(row).toContain(spec.openaiCode === null ? '| null |' : `\`${spec.openaiCode}\``);
    }
  });

  it('docs/errors.md lists no code the registry lacks', () => {
    const documented = [...doc.matchAll(/^\| `(PACER_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it('turns a PacerError into the OpenAI envelope with retry headers', () => {
    const err = new PacerError('PACER_DEADLINE_EXCEEDED', 'Queue deadline of 50ms cannot be met', {
      retryAfterMs: 1234,
    });
    expect(err.status).toBe(429);
    expect(err.toBody()).toEqual({
      error: {
        message: 'Queue deadline of 50ms cannot be met',
        type: 'rate_limit_exceeded',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(err.responseHeaders()).toMatchObject({
      'retry-after': '2',
      'retry-after-ms': '1234',
      'x-pacer-error-code': 'PACER_DEADLINE_EXCEEDED',
    });
  });

  it('never advertises retry-after below one second, as OpenAI does', () => {
    expect(retryAfterHeaders(0)).toEqual({ 'retry-after': '1', 'retry-after-ms': '0' });
    expect(retryAfterHeaders(1000.2)).toEqual({ 'retry-after': '2', 'retry-after-ms': '1001' });
  });

  it('maps every code to a 4xx/5xx status and a known type', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const e = new PacerError(code, 'x');
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect([
        'invalid_request_error',
        'rate_limit_exceeded',
        'insufficient_quota',
        'server_error',
      ]).toContain(e.toBody().error.type);
    }
  });
});
