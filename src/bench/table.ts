import { formatGoals } from './goals-table.js';
import type { Report, StrategyReport } from './report-schema.js';

const n0 = (v: number | null | undefined): string =>
  v === null || v === undefined ? '-' : Math.round(v).toString();
const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '-' : `${v.toFixed(1)}%`;

/** Rows of the comparison, shared by the stdout table and the HTML summary. */
export function summaryRows(report: Report): { head: string[]; rows: string[][] } {
  const head = [
    'strategy',
    'goodput',
    'quota used',
    'ok',
    'shed',
    'up 429 to client',
    'other errors',
    'unfinished',
    'client-visible errors',
    'up 429s (% attempts)',
    'client 429s (shed)',
    'retries',
    'ttft p50/p95/p99 ms',
    'e2e p50/p95/p99 ms',
    'queue p95 ms',
    'cost $',
  ];
  const rows = report.strategies.map((s: StrategyReport) => {
    if (s.skipped) return [s.name, `skipped: ${s.skipped}`, ...new Array<string>(head.length - 2).fill('')];
    const m = s.summary;
    const up = m.upstream ? `${m.upstream.rejected_429} (${pct((m.upstream.rate_429 ?? 0) * 100)})` : 'n/a';
    const o = m.outcomes;
    const count = (v: number | undefined): string => (v === undefined ? '-' : String(v));
    const visible =
      m.client_visible_errors === undefined
        ? '-'
        : `${m.client_visible_errors} (${pct((m.client_visible_error_rate ?? 0) * 100)})`;
    return [
      s.name,
      pct(m.goodput_pct),
      pct(m.quota_used_pct),
      `${m.ok}/${m.requests}`,
      count(o?.shed),
      count(o?.upstream_429),
      count(o?.other_error),
      count(o?.unfinished),
      visible,
      up,
      `${m.client_429} (${m.shed_attempts ?? 0})`,
      String(m.retries),
      `${n0(m.ttft_ms.p50)}/${n0(m.ttft_ms.p95)}/${n0(m.ttft_ms.p99)}`,
      `${n0(m.e2e_ms.p50)}/${n0(m.e2e_ms.p95)}/${n0(m.e2e_ms.p99)}`,
      m.queue_ms ? n0(m.queue_ms.p95) : '-',
      m.cost_usd.toFixed(4),
    ];
  });
  return { head, rows };
}

/** The compact comparison printed at the end of `pacer bench` (with the fairness section, if any). */
export function formatTable(report: Report): string {
  const { head, rows } = summaryRows(report);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const sc = report.scenario;
  const title = `scenario ${sc.name}: ${sc.planned_requests} requests over ${sc.duration_s}s at ${sc.rate_per_s.toFixed(1)}/s, time scale ${sc.time_scale}, ceiling ${sc.tpm} TPM; goodput = steady-state successful tokens / TPM; quota used = successful tokens / (full bucket + TPM x minutes run)`;
  const legend = `outcome of each request: ok | shed = Pacer's deadline 429, never sent upstream | up 429 to client | other errors (5xx, network, stream) | unfinished when the drain ended; client-visible errors = up 429 + other (errors while the deadline allowed)`;
  const main = [title, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), legend].join(
    '\n',
  );
  return [main, formatGoals(report), formatFairness(report)].filter((x) => x !== '').join('\n\n');
}

const ms = (v: number | null): string =>
  v === null ? '-' : v < 10 ? v.toFixed(1) : Math.round(v).toString();
const ratio = (v: number | null): string => (v === null ? '-' : `${v.toFixed(2)}x`);
const verdict = (v: boolean | null): string => (v === null ? '' : v ? 'pass' : 'FAIL');

/** Rows of the "fairness vs baseline" comparison, shared by stdout and HTML. */
export function fairnessRows(report: Report): { head: string[]; rows: string[][]; notes: string[] } | null {
  const f = report.baseline?.fairness;
  if (!f) return null;
  const g = f.goals;
  const head = [
    'tenant',
    'priority',
    'queue p95 ms loaded/base',
    'ratio',
    `<= ${g.queue_p95_max_ratio}x`,
    'ttft p95 ms loaded/base',
    'ratio',
    `<= +${Math.round(g.ttft_p95_max_increase * 100)}% (interactive)`,
  ];
  const rows = f.tenants.map((t) => [
    t.name,
    t.priority,
    `${ms(t.queue_p95_ms.loaded)}/${ms(t.queue_p95_ms.baseline)}`,
    ratio(t.queue_p95_ms.ratio),
    verdict(t.queue_p95_ms.goal_met),
    `${ms(t.ttft_p95_ms.loaded)}/${ms(t.ttft_p95_ms.baseline)}`,
    ratio(t.ttft_p95_ms.ratio),
    verdict(t.ttft_p95_ms.goal_met),
  ]);
  const n = f.noisy;
  const share = n.share_of_leftover === null ? '-' : pct(n.share_of_leftover * 100);
  const notes = [
    `${f.strategy} with [${f.without.join(', ')}] (loaded) against the same plan without them (baseline, ${report.baseline?.requests ?? 0} requests, same ids, same simulator latency draws).`,
    `[${f.without.join(', ')}] got ${share} of the capacity the others left: ${Math.round(n.goodput_tokens)} successful tokens of ${Math.round(n.ceiling_tokens - n.others_goodput_tokens)} (ceiling ${Math.round(n.ceiling_tokens)} = full bucket + TPM x minutes run, minus others' ${Math.round(n.others_goodput_tokens)}).`,
    `Queue wait is x-pacer-queue-ms (whole ms): pass if loaded <= max(${g.queue_p95_max_ratio} x baseline, baseline + ${g.queue_floor_ms} ms). TTFT goal applies to interactive tenants: loaded <= ${(1 + g.ttft_p95_max_increase).toFixed(2)} x baseline.`,
  ];
  return { head, rows, notes };
}

/** The "fairness vs baseline" section printed after the summary (empty without a baseline). */
export function formatFairness(report: Report): string {
  const t = fairnessRows(report);
  if (!t) {
    const b = report.baseline;
    return b ? `fairness vs baseline: not computed (${b.run.skipped ?? 'loaded pacer run skipped'})` : '';
  }
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    'fairness vs baseline',
    line(t.head),
    line(widths.map((w) => '-'.repeat(w))),
    ...t.rows.map(line),
    ...t.notes,
  ].join('\n');
}
