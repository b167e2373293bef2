import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './page-script.js';
import { DASHBOARD_STYLE } from './page-style.js';

export interface DashboardPage {
  html: string;
  /** CSP source expressions ('sha256-…') that allow exactly this page's inline script and style. */
  scriptHash: string;
  styleHash: string;
}

function cspHash(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

function kpi(id: string, label: string): string {
  return `<div class="kpi" id="${id}"><div class="label">${label}</div><div class="value">–</div><div class="sub">&nbsp;</div></div>`;
}

function chartCard(id: string, title: string, hint: string): string {
  return `<div class="card"><h3>${title} <span class="hint">${hint}</span></h3><div id="${id}"></div></div>`;
}

/** The whole page: no external scripts, fonts, images or styles; the data comes from /dashboard/data. */
export function renderDashboardPage(): DashboardPage {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Pacer · Live dashboard</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
  <h1>Pacer <span>· live dashboard</span></h1>
  <div id="status"><i></i><span>Connecting…</span></div>
</header>
<main>
  <section class="kpis">
    ${kpi('kpi-rps', 'Requests / s')}
    ${kpi('kpi-tpm', 'Tokens / min')}
    ${kpi('kpi-429', 'Upstream 429s')}
    ${kpi('kpi-errors', 'Errors')}
    ${kpi('kpi-ttft', 'TTFT p95')}
    ${kpi('kpi-cost', 'Cost')}
  </section>
  <h2>Pools</h2>
  <section class="grid" id="pools"></section>
  <h2>Traffic</h2>
  <section class="grid two">
    ${chartCard('chart-requests', 'Requests and upstream 429s', 'per second')}
    ${chartCard('chart-ttft', 'Time to first token', 'p50 and p95 per second')}
    ${chartCard('chart-queue', 'Queue depth', 'per priority, all pools')}
    ${chartCard('chart-wait', 'Queue wait', 'p95 per priority')}
  </section>
  <h2>Tenants</h2>
  <section class="card">
    <table>
      <thead><tr><th>Tenant</th><th>Requests</th><th>Errors</th><th>Tokens in</th><th>Tokens out</th><th>Cost</th><th>p95 duration</th></tr></thead>
      <tbody id="tenants"><tr><td class="empty" colspan="7">Loading…</td></tr></tbody>
    </table>
  </section>
</main>
<footer><span id="span">Charts cover the samples the gateway keeps</span> · tenants by name only, never keys</footer>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
  return { html, scriptHash: cspHash(DASHBOARD_SCRIPT), styleHash: cspHash(DASHBOARD_STYLE) };
}
