import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLineBuffer } from '../../../src/gateway/telemetry/line-buffer.js';

describe('line buffer', () => {
  afterEach(() => void vi.useRealTimers());

  it('writes lines in order, in one write per interval', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const log = createLineBuffer((t) => writes.push(t), { intervalMs: 100 });
    log('a');
    log('b');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(99);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['a\nb\n']);
    log('c');
    vi.advanceTimersByTime(100);
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once past maxBytes, and flush() writes what waits', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const log = createLineBuffer((t) => writes.push(t), { intervalMs: 100, maxBytes: 8 });
    log('1234');
    expect(writes).toEqual([]);
    log('5678');
    expect(writes).toEqual(['1234\n5678\n']);
    log('x');
    log.flush();
    expect(writes).toEqual(['1234\n5678\n', 'x\n']);
    log.flush();
    vi.advanceTimersByTime(200);
    expect(writes).toHaveLength(2);
  });
});
