/** The page's only stylesheet (inline, pinned by hash in the CSP). Light and dark follow the OS. */
export const DASHBOARD_STYLE = String.raw`
:root{--bg:#f5f7fa;--card:#fff;--ink:#1b2330;--muted:#667085;--line:#e4e8ee;--grid:#eef1f5;
--c0:#2563eb;--c1:#dc2626;--c2:#059669;--c3:#d97706;--c4:#7c3aed;--ok:#067647;--okbg:#e7f6ec;
--warn:#9a5b00;--warnbg:#fff3d6;--bad:#b42318;--badbg:#fde8e6;--idle:#475467;--idlebg:#eef1f5}
@media (prefers-color-scheme:dark){:root{--bg:#0f141b;--card:#171e28;--ink:#e6eaf0;--muted:#98a2b3;
--line:#273241;--grid:#1f2834;--okbg:#0f2e1d;--ok:#4ade80;--warnbg:#33270b;--warn:#fbbf24;--badbg:#3a1513;
--bad:#f87171;--idlebg:#222c38;--idle:#b6c0cc;--c0:#60a5fa;--c1:#f87171;--c2:#34d399;--c3:#fbbf24;--c4:#a78bfa}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
-webkit-font-smoothing:antialiased}
header{display:flex;align-items:center;justify-content:space-between;padding:14px 24px;background:var(--card);
border-bottom:1px solid var(--line)}
header h1{font-size:17px;margin:0;font-weight:650;letter-spacing:.2px}
header h1 span{color:var(--muted);font-weight:450}
#status{display:flex;align-items:center;gap:8px;color:var(--muted);font-size:13px}
#status i{width:9px;height:9px;border-radius:50%;background:var(--muted);display:inline-block}
#status.live i{background:#12b76a;box-shadow:0 0 0 3px rgba(18,183,106,.18)}
#status.down i{background:#f04438}
#status.down{color:var(--bad)}
main{padding:18px 24px 28px;max-width:1440px;margin:0 auto}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);margin:22px 0 10px;font-weight:600}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.kpi,.card{background:var(--card);border:1px solid var(--line);border-radius:10px}
.kpi{padding:12px 14px}
.kpi .label{color:var(--muted);font-size:12px}
.kpi .value{font-size:24px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .sub{color:var(--muted);font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px}
.grid.two{grid-template-columns:repeat(2,minmax(0,1fr))}
@media (max-width:900px){.grid.two{grid-template-columns:minmax(0,1fr)}}
.card{padding:14px 16px}
.card h3{margin:0 0 6px;font-size:14px;font-weight:620;display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.card .hint{color:var(--muted);font-size:12px;font-weight:400}
.badge{font-size:11.5px;font-weight:600;padding:2px 8px;border-radius:999px;background:var(--idlebg);color:var(--idle)}
.badge.ok{background:var(--okbg);color:var(--ok)}
.badge.warn{background:var(--warnbg);color:var(--warn)}
.badge.bad{background:var(--badbg);color:var(--bad)}
.stats{display:flex;flex-wrap:wrap;gap:4px 18px;color:var(--muted);font-size:12.5px;margin:2px 0 6px}
.stats b{color:var(--ink);font-weight:600;font-variant-numeric:tabular-nums}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{fill:var(--muted);font-size:11px;font-family:inherit}
svg.chart .grid{stroke:var(--grid);stroke-width:1}
svg.chart .axis{stroke:var(--line);stroke-width:1}
svg.chart .line{fill:none;stroke-width:1.8;stroke-linejoin:round;stroke-linecap:round}
svg.chart .area{stroke:none;opacity:.12}
svg.chart .limit{stroke:var(--c1);stroke-width:1.4;stroke-dasharray:5 4;fill:none}
svg.chart text.limit-label{fill:var(--c1);font-weight:600}
svg.chart text.empty{font-size:13px}
.s0{stroke:var(--c0);fill:var(--c0);background:var(--c0)}.s1{stroke:var(--c1);fill:var(--c1);background:var(--c1)}
.s2{stroke:var(--c2);fill:var(--c2);background:var(--c2)}.s3{stroke:var(--c3);fill:var(--c3);background:var(--c3)}
.s4{stroke:var(--c4);fill:var(--c4);background:var(--c4)}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:12px;color:var(--muted);margin-top:4px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.legend i{width:14px;height:3px;border-radius:2px;display:inline-block}
.legend i.dash{background:repeating-linear-gradient(90deg,var(--c1) 0 5px,transparent 5px 8px)}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:8px 10px;text-align:right;border-bottom:1px solid var(--line);white-space:nowrap}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.4px}
th:first-child,td:first-child{text-align:left}
tbody tr:last-child td{border-bottom:0}
td.empty{text-align:center;color:var(--muted);padding:18px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:4px 0 18px}
`;
