import type { Report } from './report-schema.js';

const pct = (v: number | null): string => (v === null ? '-' : `${v.toFixed(1)}%`);
const verdict = (v: boolean | null): string => (v === null ? 'n/a' : v ? 'pass' : 'FAIL');

/** Rows of the goal check (scenario `goals:`), one per strategy, shared by stdout and HTML. */
export function goalRows(report: Report): { head: string[]; rows: string[][]; note: string } | null {
  const g = report.scenario.goals;
  if (!g) return null;
  const head = [
    'strategy',
    `goodput >= ${g.goodput_min_pct}%`,
    `upstream 429s <= ${g.upstream_429_max_pct}% of attempts`,
    `client-visible errors <= ${g.client_visible_errors_max}`,
    'all',
  ];
  const rows = report.strategies.flatMap((s) => {
    const r = s.goals;
    if (s.skipped || !r) return [];
    return [
      [
        s.name,
        `${pct(r.goodput_pct.value)} ${verdict(r.goodput_pct.goal_met)}`,
        `${pct(r.upstream_429_pct.value)} ${verdict(r.upstream_429_pct.goal_met)}`,
        `${r.client_visible_errors.value ?? '-'} ${verdict(r.client_visible_errors.goal_met)}`,
        verdict(r.met),
      ],
    ];
  });
  const note = `The goal is issue #3's for pacer, checked on every strategy's figures. Deadline sheds (answered at once with retry-after-ms, never sent upstream) and requests unfinished when the drain ended (${report.scenario.drain_s}s after the load, or after the last retry a client was told to make) are not client-visible errors.`;
  return { head, rows, note };
}

/** The goal check printed after the summary (empty when the scenario sets no goals). */
export function formatGoals(report: Report): string {
  const t = goalRows(report);
  if (!t) return '';
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    `goals of scenario ${report.scenario.name}`,
    line(t.head),
    line(widths.map((w) => '-'.repeat(w))),
    ...t.rows.map(line),
    t.note,
  ].join('\n');
}
