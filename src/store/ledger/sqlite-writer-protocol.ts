/** What the SQLite ledger and its writer thread (sqlite-writer.ts) say to each other. */
import { LEDGER_COLUMNS } from './types.js';

export interface WriterSetup {
  path: string;
}

export type WriterMessage =
  { kind: 'write'; id: number; rows: (string | number | null)[][] } | { kind: 'close' };

export type WriterReply = { id: number; ok: true } | { id: number; ok: false; error: string };

export function insertSql(): string {
  return `INSERT INTO pacer_usage (${LEDGER_COLUMNS.join(', ')}) VALUES (${LEDGER_COLUMNS.map(() => '?').join(', ')})`;
}
