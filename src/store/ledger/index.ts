/** createLedger(url): `sqlite:PATH`, a plain path, or a `postgres://` URL (PACER_LEDGER). */
import { openPostgresLedger } from './postgres.js';
import { openSqliteLedger } from './sqlite.js';
import type { Ledger, LedgerOptions } from './types.js';

export type LedgerTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export const DEFAULT_LEDGER_URL = 'sqlite:.pacer/ledger.sqlite';

export function parseLedgerUrl(url: string): LedgerTarget {
  const u = url.trim();
  if (u === '') throw new Error('ledger URL is empty (use sqlite:PATH or postgres://...)');
  if (/^postgres(ql)?:\/\//i.test(u)) return { kind: 'postgres', url: u };
  if (/^sqlite:/i.test(u)) {
    // sqlite:PATH, sqlite://PATH and sqlite:///abs/path all name a file.
    const path = u.replace(/^sqlite:(\/\/)?/i, '');
    if (path === '')
      throw new Error(`ledger URL "${url}" has no file path (e.g. sqlite:.pacer/ledger.sqlite)`);
    return { kind: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u))
    throw new Error(`unsupported ledger URL "${url}" (use sqlite:PATH or postgres://...)`);
  return { kind: 'sqlite', path: u };
}

export async function createLedger(
  url: string = DEFAULT_LEDGER_URL,
  opts: LedgerOptions = {},
): Promise<Ledger> {
  const target = parseLedgerUrl(url);
  return target.kind === 'postgres'
    ? openPostgresLedger(target.url, opts)
    : openSqliteLedger(target.path, opts);
}

export { openPostgresLedger, openSqliteLedger };
export type {
  Ledger,
  LedgerGroupBy,
  LedgerOptions,
  LedgerQuery,
  LedgerRecord,
  LedgerRow,
  LedgerStats,
} from './types.js';
