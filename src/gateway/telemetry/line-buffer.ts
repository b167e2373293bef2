/**
 * Request log lines, written in batches. One write per line was a syscall on every request (the
 * request log is on by default); here lines gather for up to `intervalMs` or `maxBytes` and go
 * out in one write, in order. flush() writes what is waiting (the gateway's close() and exit).
 */
export interface LineBuffer {
  (line: string): void;
  flush(): void;
}

export interface LineBufferOptions {
  intervalMs?: number;
  maxBytes?: number;
}

export function createLineBuffer(
  write: (text: string) => void,
  { intervalMs = 100, maxBytes = 64 * 1024 }: LineBufferOptions = {},
): LineBuffer {
  let pending = '';
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  const log = (line: string): void => {
    pending += line + '\n';
    if (pending.length >= maxBytes) return flush();
    if (!timer) {
      timer = setTimeout(flush, intervalMs);
      timer.unref();
    }
  };
  return Object.assign(log, { flush });
}
