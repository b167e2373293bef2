/**
 * A Prometheus histogram for the request hot path. prom-client's Histogram validates and hashes
 * the label object and searches its buckets by value on every observe(); here a label set is
 * resolved once to a cell (one string key) and an observation is a bucket scan and two adds.
 * It registers in a prom-client Registry like any metric and exposes the same text: cumulative
 * `_bucket{le=…}` series, `_sum` and `_count`.
 */
import type { Registry } from 'prom-client';

export interface HistogramCell {
  observe(value: number): void;
}

type Labels<L extends string> = Record<L, string>;

interface Cell<L extends string> extends HistogramCell {
  labels: Labels<L>;
  /** Per-bucket counts, not cumulative; the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export interface FastHistogramOptions<L extends string> {
  name: string;
  help: string;
  buckets: readonly number[];
  labelNames?: readonly L[];
  registers?: Registry[];
}

export class FastHistogram<L extends string = never> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: Float64Array;
  private readonly labelNames: readonly L[];
  private cells = new Map<string, Cell<L>>();

  constructor(opts: FastHistogramOptions<L>) {
    this.name = opts.name;
    this.help = opts.help;
    this.bounds = Float64Array.from([...opts.buckets].sort((a, b) => a - b));
    this.labelNames = opts.labelNames ?? [];
    for (const r of opts.registers ?? []) r.registerMetric(this as never);
  }

  /**
   * The cell of one label set. `key` is the label values in labelNames order joined by \0, the
   * key observe() builds, so both paths land on the same series.
   */
  cell(key: string, labels: () => Labels<L>): HistogramCell {
    let c = this.cells.get(key);
    if (c === undefined) this.cells.set(key, (c = this.makeCell(labels())));
    return c;
  }

  /** prom-client's call shape, for code off the hot path. */
  observe(labelsOrValue: Labels<L> | number, value?: number): void {
    if (typeof labelsOrValue === 'number')
      return this.cell('', () => ({}) as Labels<L>).observe(labelsOrValue);
    const labels = labelsOrValue;
    const key = this.labelNames.map((n) => labels[n]).join('\0');
    this.cell(key, () => ({ ...labels })).observe(value as number);
  }

  reset(): void {
    this.cells = new Map();
  }

  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    const { bounds, name } = this;
    for (const c of this.cells.values()) {
      let acc = 0;
      for (let i = 0; i < bounds.length; i++) {
        acc += c.counts[i] as number;
        values.push({
          labels: { le: bounds[i] as number, ...c.labels },
          value: acc,
          metricName: `${name}_bucket`,
        });
      }
      values.push({ labels: { le: '+Inf', ...c.labels }, value: c.count, metricName: `${name}_bucket` });
      values.push({ labels: c.labels, value: c.sum, metricName: `${name}_sum` });
      values.push({ labels: c.labels, value: c.count, metricName: `${name}_count` });
    }
    return { name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  private makeCell(labels: Labels<L>): Cell<L> {
    const bounds = this.bounds;
    const n = bounds.length;
    const cell: Cell<L> = {
      labels,
      counts: new Float64Array(n + 1),
      sum: 0,
      count: 0,
      observe(value: number) {
        // A NaN would poison the sum forever; prom-client throws on one, the hot path drops it.
        if (value !== value) return;
        let i = 0;
        while (i < n && value > (bounds[i] as number)) i++;
        cell.counts[i]! += 1;
        cell.sum += value;
        cell.count += 1;
      },
    };
    return cell;
  }
}
