import type { RealtimeStormResult } from './types.js';

const fmt = (v: number | null) => (v === null ? '-' : v >= 100 ? String(Math.round(v)) : v.toFixed(1));

/** A plain-text comparison table, one column per run. */
export function formatStormTable(results: readonly RealtimeStormResult[]): string {
  const rows: [string, (r: RealtimeStormResult) => string][] = [
    ['mode', (r) => `${r.mode} (${r.flow})`],
    ['store', (r) => r.store],
    ['browsers / users / instances', (r) => `${r.browsers} / ${r.users} / ${r.instances}`],
    ['upstream limit (mints+sessions/min)', (r) => String(r.mintRpm)],
    ['upstream mints', (r) => String(r.upstreamMints)],
    ['upstream sessions created', (r) => String(r.upstreamSessions)],
    ['upstream 429s', (r) => String(r.upstream429)],
    ['sessions started', (r) => `${r.sessionsStarted} / ${r.browsers}`],
    ['browsers failed', (r) => String(r.failed)],
    ['browsers that retried', (r) => String(r.browsersRetried)],
    ['browsers that retried twice+', (r) => String(r.browsersRetriedTwice)],
    ['p50 time to session (ms)', (r) => fmt(r.timeToSession.p50)],
    ['p95 time to session (ms)', (r) => fmt(r.timeToSession.p95)],
    ['max time to session (ms)', (r) => fmt(r.timeToSession.max)],
    ['run time (ms)', (r) => String(r.durationMs)],
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length));
  const cols = results.map((r) => rows.map(([, f]) => f(r)));
  const widths = cols.map((c) => Math.max(...c.map((s) => s.length)));
  return rows
    .map(([k], i) => [k.padEnd(w0), ...cols.map((c, j) => (c[i] ?? '').padStart(widths[j] ?? 0))].join('  '))
    .join('\n');
}
