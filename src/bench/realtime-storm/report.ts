import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatStormTable } from './table.js';
import type { RealtimeStormResult } from './types.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** report.json + a self-contained report.html (the comparison table; no scripts, no network). */
export function writeStormReport(
  dir: string,
  results: readonly RealtimeStormResult[],
): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  writeFileSync(
    json,
    JSON.stringify({ scenario: 'realtime-storm', generatedAt: new Date().toISOString(), results }, null, 2),
  );
  const rows = formatStormTable(results)
    .split('\n')
    .map(
      (line) =>
        `<tr>${line
          .split(/\s{2,}/)
          .map((c, i) => (i === 0 ? `<th>${esc(c)}</th>` : `<td>${esc(c)}</td>`))
          .join('')}</tr>`,
    )
    .join('\n');
  writeFileSync(
    html,
    `<!doctype html><meta charset="utf-8"><title>Pacer bench: realtime-storm</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#1b1f24}table{border-collapse:collapse}th,td{padding:6px 14px;border-bottom:1px solid #d8dee4;text-align:right}th{text-align:left;font-weight:500}tr:first-child th,tr:first-child td{font-weight:600;background:#f3f5f7}</style>
<h1>realtime-storm</h1><p>Browsers asking for Realtime sessions at once across app instances: a per-instance 55-second cache with no single-flight and no pacing, against Pacer's broker.</p>
<table>\n${rows}\n</table>\n`,
  );
  return { json, html };
}
