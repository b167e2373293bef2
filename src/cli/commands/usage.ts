import type { Command } from '../command.js';
import { parseFlags, UsageError } from '../command.js';
import { createLedger, DEFAULT_LEDGER_URL, parseLedgerUrl } from '../../store/ledger/index.js';
import type { LedgerGroupBy, LedgerQuery, LedgerRow } from '../../store/ledger/types.js';

const USAGE = `Usage: pacer usage [--ledger URL] [--tenant NAME] [--since DURATION] [--by model|tenant|day] [--csv]

Reports requests, tokens and cost from the usage ledger.

Flags:
  --ledger URL      sqlite:PATH, a file path, or postgres://... (default: $PACER_LEDGER or ${DEFAULT_LEDGER_URL})
  --tenant NAME     only this tenant
  --since DURATION  only the last 30m, 12h, 1d, 7d, 2w ... or since a date (2026-03-01, ISO time); default: all
  --by KEY          group by model (default), tenant or day (UTC)
  --csv             comma-separated output with a header row, for spreadsheets and scripts
  -h, --help        this help

Examples:
  pacer usage --since 1d
  pacer usage --tenant acme --by day --since 7d --csv > acme.csv`;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const GROUPS: readonly LedgerGroupBy[] = ['model', 'tenant', 'day'];

/** "7d" -> now minus 7 days; "2026-03-01" or an ISO time -> that instant. */
export function parseSince(value: string, nowMs: number): number {
  const rel = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(value.trim());
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isFinite(t)) return t;
  }
  throw new UsageError(
    `--since must be a duration like 30m, 12h, 1d, 7d or a date like 2026-03-01, got "${value}"`,
  );
}

/** Never print a database password. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const usd = (n: number) => `$${n.toFixed(6)}`;
const ms = (n: number | null) => (n === null ? '-' : String(Math.round(n)));

export function formatTable(by: LedgerGroupBy, rows: LedgerRow[], total: LedgerRow | undefined): string {
  const head = [
    by.toUpperCase(),
    'REQUESTS',
    'ERRORS',
    'TOKENS IN',
    'CACHED',
    'TOKENS OUT',
    'REASONING',
    'COST USD',
    'P50 MS',
    'P95 MS',
  ];
  const line = (key: string, r: LedgerRow) => [
    key,
    int(r.requests),
    int(r.errors),
    int(r.tokensIn),
    int(r.cached),
    int(r.tokensOut),
    int(r.reasoning),
    usd(r.costUsd),
    ms(r.p50Ms),
    ms(r.p95Ms),
  ];
  const body = rows.map((r) => line(r.key, r));
  if (total) body.push(line('TOTAL', total));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  // First column left-aligned (names), numbers right-aligned.
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [fmt(head), ...body.slice(0, rows.length).map(fmt)];
  if (total) out.push(widths.map((w) => '-'.repeat(w)).join('  '), fmt(body[body.length - 1]!));
  return out.join('\n');
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function formatCsv(by: LedgerGroupBy, rows: LedgerRow[]): string {
  const lines = [`${by},requests,errors,tokens_in,cached,tokens_out,reasoning,cost_usd,p50_ms,p95_ms`];
  for (const r of rows) {
    // Fixed notation (String() would print 1e-7), trailing zeros trimmed.
    const cost = r.costUsd.toFixed(9).replace(/\.?0+$/, '');
    lines.push(
      [
        csvCell(r.key),
        r.requests,
        r.errors,
        r.tokensIn,
        r.cached,
        r.tokensOut,
        r.reasoning,
        cost,
        r.p50Ms ?? '',
        r.p95Ms ?? '',
      ].join(','),
    );
  }
  return lines.join('\n');
}

export const usageCommand: Command = {
  name: 'usage',
  summary: 'Report usage and cost from the ledger',
  usage: USAGE,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ledger: { type: 'string' },
      tenant: { type: 'string' },
      since: { type: 'string' },
      by: { type: 'string' },
      csv: { type: 'boolean' },
    });
    const url = (values.ledger as string | undefined) ?? process.env.PACER_LEDGER ?? DEFAULT_LEDGER_URL;
    const by = (values.by as string | undefined) ?? 'model';
    if (!GROUPS.includes(by as LedgerGroupBy))
      throw new UsageError(`--by must be one of ${GROUPS.join(', ')}, got "${by}"`);
    const q: LedgerQuery = { by: by as LedgerGroupBy };
    if (typeof values.tenant === 'string') {
      if (values.tenant.trim() === '') throw new UsageError('--tenant must not be empty');
      q.tenant = values.tenant;
    }
    if (typeof values.since === 'string') q.since = parseSince(values.since, Date.now());
    try {
      parseLedgerUrl(url);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }

    let ledger;
    try {
      ledger = await createLedger(url, { mustExist: true });
    } catch (err) {
      const hint =
        parseLedgerUrl(url).kind === 'sqlite'
          ? ' (nothing recorded yet? pass --ledger URL or set PACER_LEDGER)'
          : '';
      throw new Error(`cannot open ledger ${redactUrl(url)}: ${(err as Error).message}${hint}`);
    }
    try {
      const rows = await ledger.query(q);
      if (values.csv) {
        console.log(formatCsv(q.by!, rows));
        return 0;
      }
      const scope = [
        q.tenant ? `tenant ${q.tenant}` : 'all tenants',
        q.since !== undefined ? `since ${new Date(q.since).toISOString()}` : 'all time',
      ].join(', ');
      console.log(`Usage by ${by} (${scope}) from ${redactUrl(url)}\n`);
      if (rows.length === 0) {
        console.log('No usage recorded.');
        return 0;
      }
      const { by: _by, ...totalQuery } = q;
      const [total] = await ledger.query(totalQuery);
      console.log(formatTable(q.by!, rows, total));
      return 0;
    } finally {
      await ledger.close();
    }
  },
};
