import { describe, expect, it } from 'vitest';
import { classify, clientVisibleErrors, countOutcomes } from '../../src/bench/classify.js';
import type { Outcome } from '../../src/bench/outcome.js';

const base = { ok: false, errorKind: null, status: null, pacerErrorCode: null } as const;

describe('classify: what each request finally came to', () => {
  it('tells deadline sheds, upstream 429s, other errors and unfinished requests apart', () => {
    expect(classify({ ...base, ok: true, status: 200 })).toBe('ok');
    expect(
      classify({
        ...base,
        errorKind: 'rate_limited',
        status: 429,
        pacerErrorCode: 'PACER_DEADLINE_EXCEEDED',
      }),
    ).toBe('shed');
    expect(classify({ ...base, errorKind: 'rate_limited', status: 429 })).toBe('upstream_429');
    // A gateway 429 that is not a deadline shed (a tenant's budget) is an error the client sees.
    expect(
      classify({ ...base, errorKind: 'rate_limited', status: 429, pacerErrorCode: 'PACER_RATE_LIMITED' }),
    ).toBe('other_error');
    expect(classify({ ...base, errorKind: 'server_error', status: 503 })).toBe('other_error');
    expect(classify({ ...base, errorKind: 'connection' })).toBe('other_error');
    expect(classify({ ...base, errorKind: 'stream', status: 200 })).toBe('other_error');
    // Cut at the end of the drain, even if its last answer was a shed it was about to retry.
    expect(
      classify({ ...base, errorKind: 'cut', status: 429, pacerErrorCode: 'PACER_DEADLINE_EXCEEDED' }),
    ).toBe('unfinished');
  });

  it('counts them, and client-visible errors are the upstream 429s and other errors only', () => {
    const o = (x: Partial<Outcome>): Outcome => ({ ...base, ...x }) as Outcome;
    const counts = countOutcomes([
      o({ ok: true }),
      o({ ok: true }),
      o({ status: 429, pacerErrorCode: 'PACER_DEADLINE_EXCEEDED' }),
      o({ status: 429 }),
      o({ errorKind: 'server_error', status: 500 }),
      o({ errorKind: 'cut' }),
    ]);
    expect(counts).toEqual({ ok: 2, shed: 1, upstream_429: 1, other_error: 1, unfinished: 1 });
    expect(clientVisibleErrors(counts)).toBe(2);
  });
});
