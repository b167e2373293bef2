/**
 * Counter cells for the request hot path. prom-client hashes and validates the labels on every
 * inc(); a cell is looked up once per label set (one string key) and adds to a plain number that
 * is folded into the prom-client counter when it is scraped (its collect hook). The exposition
 * is the same; only when the work happens changes.
 */
import type { Counter } from 'prom-client';

export interface CounterCell {
  add(value: number): void;
}

export interface CounterCells<L extends string> {
  /** The cell of one label set; `key` must identify `labels` (e.g. the values joined). */
  cell(key: string, labels: () => Record<L, string>): CounterCell;
  /** Folds pending adds into the counter (run from its collect hook, before a scrape). */
  flush(counter: Counter<L>): void;
}

interface Cell<L extends string> extends CounterCell {
  labels: Record<L, string>;
  pending: number;
  /** An add of 0 still makes the series exist, as counter.inc(labels, 0) does. */
  dirty: boolean;
}

export function createCounterCells<L extends string>(): CounterCells<L> {
  const cells = new Map<string, Cell<L>>();
  return {
    cell(key, labels) {
      let c = cells.get(key);
      if (!c) {
        const made: Cell<L> = {
          labels: labels(),
          pending: 0,
          dirty: false,
          add(value) {
            made.pending += value;
            made.dirty = true;
          },
        };
        cells.set(key, (c = made));
      }
      return c;
    },
    flush(counter) {
      for (const c of cells.values()) {
        if (!c.dirty) continue;
        counter.inc(c.labels, c.pending);
        c.pending = 0;
        c.dirty = false;
      }
    },
  };
}
