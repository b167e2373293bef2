import { describe, expect, it } from 'vitest';
import { AbortLatch } from '../../../src/gateway/upstream/abort-latch.js';

describe('AbortLatch', () => {
  it('calls each listener once on abort, not the removed ones, and not again', () => {
    const latch = new AbortLatch();
    const calls: string[] = [];
    const a = (): void => void calls.push('a');
    const b = (): void => void calls.push('b');
    latch.addEventListener('abort', a);
    latch.addEventListener('abort', b);
    latch.removeEventListener('abort', a);
    expect(latch.aborted).toBe(false);
    expect(() => latch.throwIfAborted()).not.toThrow();
    latch.abort();
    latch.abort();
    expect(calls).toEqual(['b']);
    expect(latch.aborted).toBe(true);
    expect((latch.reason as DOMException).name).toBe('AbortError');
    expect(() => latch.throwIfAborted()).toThrow();
  });

  it('keeps a given reason and ignores listeners added after the abort', () => {
    const latch = new AbortLatch();
    const reason = new Error('gone');
    latch.abort(reason);
    let late = false;
    latch.signal.addEventListener('abort', () => (late = true));
    expect(latch.signal.reason).toBe(reason);
    expect(late).toBe(false);
  });
});
