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
    'errors',
    'up 429s',
    'client 429s',
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
    return [
      s.name,
      pct(m.goodput_pct),
      pct(m.quota_used_pct),
      `${m.ok}/${m.requests}`,
      `${m.errors} (${pct((m.error_rate ?? 0) * 100)})`,
      up,
      String(m.client_429),
      String(m.retries),
      `${n0(m.ttft_ms.p50)}/${n0(m.ttft_ms.p95)}/${n0(m.ttft_ms.p99)}`,
      `${n0(m.e2e_ms.p50)}/${n0(m.e2e_ms.p95)}/${n0(m.e2e_ms.p99)}`,
      m.queue_ms ? n0(m.queue_ms.p95) : '-',
      m.cost_usd.toFixed(4),
    ];
  });
  return { head, rows };
}

/** The compact comparison printed at the end of `pacer bench`. */
export function formatTable(report: Report): string {
  const { head, rows } = summaryRows(report);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const sc = report.scenario;
  const title = `scenario ${sc.name}: ${sc.planned_requests} requests over ${sc.duration_s}s at ${sc.rate_per_s.toFixed(1)}/s, time scale ${sc.time_scale}, ceiling ${sc.tpm} TPM; goodput = steady-state successful tokens / TPM; quota used = successful tokens / (full bucket + TPM x minutes run)`;
  return [title, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
