import { describe, expect, it } from 'vitest';
import { sdkRetryWaitMs } from '../../src/bench/strategies/retry-hint.js';

const h = (o: Record<string, string>): Headers => new Headers(o);

describe('sdkRetryWaitMs: the wait the official SDK will sleep before its retry', () => {
  it('reads retry-after-ms, then retry-after as float seconds or a date', () => {
    expect(sdkRetryWaitMs(429, h({ 'retry-after-ms': '1234', 'retry-after': '2' }), 2, 0)).toBe(1234);
    expect(sdkRetryWaitMs(429, h({ 'retry-after': '0.05' }), 2, 0)).toBe(50);
    expect(sdkRetryWaitMs(503, h({ 'retry-after': '1' }), 1, 0)).toBe(1000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(sdkRetryWaitMs(429, h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), 2, now)).toBe(3000);
  });

  it('is null when no retry follows or no wait is named', () => {
    expect(sdkRetryWaitMs(429, h({ 'retry-after': '1' }), 0, 0)).toBeNull();
    expect(sdkRetryWaitMs(400, h({ 'retry-after': '1' }), 2, 0)).toBeNull();
    expect(sdkRetryWaitMs(429, h({ 'retry-after': '1', 'x-should-retry': 'false' }), 2, 0)).toBeNull();
    expect(sdkRetryWaitMs(429, h({}), 2, 0)).toBeNull();
  });
});
