import type { Report, StrategyReport } from './report-schema.js';
import { escapeXml as esc, lineChart, PALETTE, type Line } from './svg.js';
import { goalRows } from './goals-table.js';
import { fairnessRows, summaryRows } from './table.js';

/** 3-second centered moving average: per-second counts are too spiky to read. */
function smooth(t: number[], v: number[]): [number, number][] {
  return t.map((x, i) => {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - 1); j <= Math.min(v.length - 1, i + 1); j++) {
      sum += v[j] ?? 0;
      n++;
    }
    return [x, sum / n];
  });
}

const pairs = (t: number[], v: number[]): [number, number][] => t.map((x, i) => [x, v[i] ?? 0]);

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

function fairnessSection(report: Report): string {
  const f = fairnessRows(report);
  if (!f) return '';
  return `<h2>Fairness vs baseline</h2>
${table(f.head, f.rows)}
${f.notes.map((n) => `<p class="meta">${esc(n)}</p>`).join('\n')}`;
}

function goalsSection(report: Report): string {
  const g = goalRows(report);
  if (!g) return '';
  return `<h2>Goals</h2>
${table(g.head, g.rows)}
<p class="meta">${esc(g.note)}</p>`;
}

function strategySection(s: StrategyReport, report: Report, color: string): string {
  if (s.skipped) return `<section><h2>${esc(s.name)}</h2><p>Skipped: ${esc(s.skipped)}</p></section>`;
  const tpm = report.scenario.tpm;
  const t = s.series.t;
  const throughput = lineChart({
    title: `${s.name}: tokens per simulated minute (3 s average)`,
    xLabel: 'seconds',
    yLabel: 'tokens / min',
    lines: [
      { name: 'goodput (successful)', color, points: smooth(t, s.series.goodput_tpm) },
      {
        name: 'charged by upstream',
        color: '#9ca3af',
        points: smooth(t, s.series.upstream_tpm),
        dashed: true,
      },
    ],
    refs: [{ y: tpm, label: `quota ${tpm} TPM` }],
  });
  const rejects = lineChart({
    title: `${s.name}: 429s and errors per second`,
    xLabel: 'seconds',
    yLabel: 'count / s',
    lines: [
      { name: 'upstream 429', color: '#dc2626', points: pairs(t, s.series.upstream_429) },
      { name: 'client-seen 429', color: '#f59e0b', points: pairs(t, s.series.client_429), dashed: true },
      ...(s.series.client_shed?.some((v) => v > 0)
        ? [
            {
              name: 'of which Pacer deadline sheds',
              color: '#2563eb',
              points: pairs(t, s.series.client_shed),
            },
          ]
        : []),
      { name: 'client errors', color: '#111827', points: pairs(t, s.series.errors) },
    ],
  });
  const tenantRows = s.tenants.map((x) => [
    x.name,
    x.priority,
    String(x.weight),
    `${x.ok}/${x.requests}`,
    x.success_rate === null ? '-' : `${(x.success_rate * 100).toFixed(1)}%`,
    String(x.goodput_tokens),
    `${Math.round(x.e2e_ms.p50 ?? 0)}/${Math.round(x.e2e_ms.p95 ?? 0)}/${Math.round(x.e2e_ms.p99 ?? 0)}`,
    `${Math.round(x.ttft_ms.p50 ?? 0)}/${Math.round(x.ttft_ms.p95 ?? 0)}`,
  ]);
  const errs =
    Object.entries(s.summary.errors_by_kind)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || 'none';
  return `<section><h2 style="color:${color}">${esc(s.name)}</h2>
<p>Upstream ${esc(s.upstream)}${s.gateway ? `, through gateway ${esc(s.gateway)}` : ''}. Errors by kind: ${esc(errs)}. Jain fairness (tenant success rates): ${s.summary.fairness_jain === null ? '-' : s.summary.fairness_jain.toFixed(3)}.</p>
<div class="charts">${throughput}${rejects}</div>
${table(['tenant', 'priority', 'weight', 'ok', 'success', 'goodput tokens', 'e2e p50/p95/p99 ms', 'ttft p50/p95 ms'], tenantRows)}
</section>`;
}

/** The self-contained report: inline CSS and SVG only. */
export function renderReportHtml(report: Report): string {
  const ran = report.strategies.filter((s) => !s.skipped);
  const colorOf = (name: string): string =>
    PALETTE[report.strategies.findIndex((s) => s.name === name) % PALETTE.length] ?? '#000';
  const all = (pick: (s: StrategyReport) => [number, number][]): Line[] =>
    ran.map((s) => ({ name: s.name, color: colorOf(s.name), points: pick(s) }));
  const sc = report.scenario;
  const charts = [
    lineChart({
      title: 'Goodput over time (tokens per simulated minute, 3 s average)',
      xLabel: 'seconds since start',
      yLabel: 'tokens / min',
      lines: all((s) => smooth(s.series.t, s.series.goodput_tpm)),
      refs: [{ y: sc.tpm, label: `quota ${sc.tpm} TPM` }],
    }),
    lineChart({
      title: 'Upstream 429s per second',
      xLabel: 'seconds since start',
      yLabel: '429 / s',
      lines: all((s) => pairs(s.series.t, s.series.upstream_429)),
    }),
    lineChart({
      title: 'End-to-end latency CDF (successful requests)',
      xLabel: 'ms (log)',
      yLabel: 'fraction',
      logX: true,
      yMax: 1,
      lines: all((s) => s.cdf.e2e_ms),
    }),
    lineChart({
      title: 'Time to first token CDF (streams)',
      xLabel: 'ms (log)',
      yLabel: 'fraction',
      logX: true,
      yMax: 1,
      lines: all((s) => s.cdf.ttft_ms),
    }),
  ];
  const { head, rows } = summaryRows(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pacer bench: ${esc(sc.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111827;max-width:1340px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f9fafb}
.charts{display:flex;flex-wrap:wrap;gap:12px}.meta{color:#4b5563}
</style></head><body>
<h1>Pacer bench: ${esc(sc.name)}</h1>
<p class="meta">${esc(sc.description)}</p>
<p class="meta">${sc.planned_requests} requests (Poisson, ${sc.rate_per_s.toFixed(2)}/s${sc.demand === null ? '' : `, demand ${sc.demand}x the token ceiling`}) over ${sc.duration_s} s, model ${esc(sc.model)}, seed ${sc.seed}, time scale ${sc.time_scale} (a minute lasts ${(60 / sc.time_scale).toFixed(1)} s), limits ${sc.tpm} TPM / ${sc.rpm} RPM. Steady state: seconds ${sc.steady_window_s[0]}–${sc.steady_window_s[1]}. Generated ${esc(report.created_at)}.</p>
<h2>Summary</h2>
${table(head, rows)}
<p class="meta">Goodput: admission tokens (prompt chars / 4 + requested output) of successful requests per simulated minute in the steady window, as % of TPM; a strategy that queues can spread the initial full bucket over the window and exceed 100%. Quota used: successful tokens of the whole run / (one full bucket + TPM × simulated minutes run). Each request ends as ok, shed (Pacer's deadline 429, at once, never sent upstream), up 429 to client, other errors (5xx, network, broken stream) or unfinished (still queued, in flight or waiting to retry when the drain ended); client-visible errors are the up 429s and other errors. Up 429s: the simulator's rejected_429 / requests; client 429s count every attempt, Pacer's sheds in brackets. Latencies are measured from each request's planned arrival (open loop), TTFT to the first content delta of streams.</p>
${goalsSection(report)}
${fairnessSection(report)}
<div class="charts">${charts.join('')}</div>
${report.strategies.map((s) => strategySection(s, report, colorOf(s.name))).join('\n')}
</body></html>
`;
}
