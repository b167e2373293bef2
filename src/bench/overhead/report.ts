/** The overhead bench's table: one row per target, mode and load, medians over the rounds. */

export interface PhaseResult {
  round: number;
  target: string;
  mode: 'json' | 'stream';
  load: string;
  sent: number;
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  cpuMsPerReq: number | null;
  maxRssMb: number | null;
  /** The proxy's event-loop delay over the phase (p99, max), ms. */
  eldP99: number | null;
  eldMax: number | null;
  /** Pacer only: its own processing time per request (pacer_gateway_processing_seconds), ms. */
  procP50: number | null;
  procP99: number | null;
}

export interface Row {
  target: string;
  mode: string;
  load: string;
  rounds: number;
  ok: number;
  errors: number;
  rps: Stat;
  p50: Stat;
  p99: Stat;
  addedP50: Stat | null;
  addedP99: Stat | null;
  cpuMsPerReq: Stat | null;
  maxRssMb: number | null;
  eldMax: Stat | null;
  procP99: Stat | null;
}

export interface Stat {
  median: number;
  min: number;
  max: number;
}

function stat(values: number[]): Stat | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v[v.length - 1] as number };
}

const nums = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

export function summarize(results: PhaseResult[]): Row[] {
  const keys = [...new Set(results.map((r) => `${r.target}|${r.mode}|${r.load}`))];
  return keys.map((key) => {
    const [target, mode, load] = key.split('|') as [string, string, string];
    const rs = results.filter((r) => r.target === target && r.mode === mode && r.load === load);
    const direct = (r: PhaseResult) =>
      results.find((d) => d.target === 'direct' && d.round === r.round && d.mode === mode && d.load === load);
    const added = (pick: (r: PhaseResult) => number): Stat | null =>
      target === 'direct'
        ? null
        : stat(
            rs.flatMap((r) => {
              const d = direct(r);
              return d ? [pick(r) - pick(d)] : [];
            }),
          );
    return {
      target,
      mode,
      load,
      rounds: rs.length,
      ok: rs.reduce((a, r) => a + r.ok, 0),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      rps: stat(rs.map((r) => r.rps)) as Stat,
      p50: stat(rs.map((r) => r.p50)) as Stat,
      p99: stat(rs.map((r) => r.p99)) as Stat,
      addedP50: added((r) => r.p50),
      addedP99: added((r) => r.p99),
      cpuMsPerReq: stat(nums(rs.map((r) => r.cpuMsPerReq))),
      maxRssMb: Math.max(...nums(rs.map((r) => r.maxRssMb)), -Infinity),
      eldMax: stat(nums(rs.map((r) => r.eldMax))),
      procP99: stat(nums(rs.map((r) => r.procP99))),
    };
  });
}

function fmt(s: Stat | null, digits = 2, range = false): string {
  if (s === null) return '-';
  const m = s.median.toFixed(digits);
  return range && s.min !== s.max ? `${m} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})` : m;
}

export function table(rows: Row[]): string {
  const head = [
    'target',
    'mode',
    'load',
    'ok',
    'err',
    'req/s',
    'p50 ms',
    'p99 ms',
    '+p50 ms',
    '+p99 ms',
    'cpu ms/req',
    'rss MB',
    'eld max ms',
    'own p99 ms',
  ];
  const body = rows.map((r) => [
    r.target,
    r.mode,
    r.load,
    String(r.ok),
    String(r.errors),
    fmt(r.rps, 0, true),
    fmt(r.p50),
    fmt(r.p99),
    fmt(r.addedP50),
    fmt(r.addedP99, 2, true),
    fmt(r.cpuMsPerReq, 3, true),
    r.maxRssMb === null || !Number.isFinite(r.maxRssMb) ? '-' : r.maxRssMb.toFixed(0),
    fmt(r.eldMax, 1),
    r.procP99 === null ? '-' : `<=${fmt(r.procP99)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
