/** The aggregate query both SQL adapters share; only the dialect bits differ. */
import type { LedgerGroupBy, LedgerQuery, LedgerRow } from './types.js';

export interface Dialect {
  placeholder(i: number): string;
  /** UTC day (YYYY-MM-DD) of the ts column. */
  dayExpr: string;
  /** Select-list fragment yielding p50 and p95 columns (or a combined one the adapter decodes). */
  percentiles: string;
}

const KEY: Record<LedgerGroupBy, (d: Dialect) => string> = {
  model: () => 'model',
  tenant: () => 'tenant',
  day: (d) => d.dayExpr,
};

export function buildAggregateSql(q: LedgerQuery, d: Dialect): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (cond: (ph: string) => string, value: string | number) => {
    params.push(value);
    where.push(cond(d.placeholder(params.length)));
  };
  if (q.tenant !== undefined) add((p) => `tenant = ${p}`, q.tenant);
  if (q.since !== undefined) add((p) => `ts >= ${p}`, Math.floor(q.since));
  if (q.until !== undefined) add((p) => `ts < ${p}`, Math.floor(q.until));
  const key = q.by ? KEY[q.by](d) : `'total'`;
  const sql = `SELECT ${key} AS key,
      COUNT(*) AS requests,
      SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
      SUM(tokens_in) AS tokens_in, SUM(cached) AS cached, SUM(tokens_out) AS tokens_out,
      SUM(reasoning) AS reasoning, SUM(cost_usd) AS cost_usd, ${d.percentiles}
    FROM pacer_usage
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ${q.by ? `GROUP BY 1 ORDER BY ${q.by === 'day' ? '1 ASC' : 'SUM(cost_usd) DESC, 1 ASC'}` : ''}`;
  return { sql, params };
}

/** Drivers hand back numbers as number, bigint or numeric strings; normalise and drop empty totals. */
export function toRows(
  raw: Record<string, unknown>[],
  pct: (r: Record<string, unknown>) => [number | null, number | null],
): LedgerRow[] {
  const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
  const rows: LedgerRow[] = [];
  for (const r of raw) {
    const requests = n(r.requests);
    if (requests === 0) continue;
    const [p50Ms, p95Ms] = pct(r);
    rows.push({
      key: String(r.key),
      requests,
      errors: n(r.errors),
      tokensIn: n(r.tokens_in),
      cached: n(r.cached),
      tokensOut: n(r.tokens_out),
      reasoning: n(r.reasoning),
      costUsd: n(r.cost_usd),
      p50Ms,
      p95Ms,
    });
  }
  return rows;
}
