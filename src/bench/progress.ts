/** What the progress line shows. */
export interface ProgressState {
  strategy: string;
  elapsedS: number;
  totalS: number;
  sent: number;
  ok: number;
  errors: number;
  inflight: number;
  draining: boolean;
}

export interface Progress {
  update(state: ProgressState): void;
  done(state: ProgressState): void;
}

interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** One updating line on a TTY; a plain line every `plainEveryS` seconds otherwise (CI logs). */
export function createProgress(out: Sink, opts: { plainEveryS?: number; width?: number } = {}): Progress {
  const every = opts.plainEveryS ?? 5;
  const width = opts.width ?? 24;
  let lastPlain = -Infinity;
  const line = (p: ProgressState): string => {
    const frac = Math.min(1, p.elapsedS / Math.max(p.totalS, 1e-9));
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const phase = p.draining ? ' draining' : '';
    return `${p.strategy.padEnd(8)} ${bar} ${p.elapsedS.toFixed(1).padStart(5)}/${p.totalS}s  sent ${p.sent}  ok ${p.ok}  err ${p.errors}  in-flight ${p.inflight}${phase}`;
  };
  return {
    update(p) {
      if (out.isTTY) out.write(`\r\x1b[2K${line(p)}`);
      else if (p.elapsedS - lastPlain >= every) {
        lastPlain = p.elapsedS;
        out.write(`${line(p)}\n`);
      }
    },
    done(p) {
      out.write(out.isTTY ? `\r\x1b[2K${line(p)}\n` : `${line(p)}\n`);
      lastPlain = -Infinity;
    },
  };
}

export const silentProgress: Progress = { update: () => undefined, done: () => undefined };
