// The `pacer usage` command against a real SQLite ledger (lives here with the ledger it reads).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../src/cli/command.js';
import { formatTable, parseSince, redactUrl, usageCommand } from '../../../src/cli/commands/usage.js';
import { createLedger } from '../../../src/store/ledger/index.js';
import { makeRecord } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-usage-'));
const url = `sqlite:${join(dir, 'ledger.sqlite')}`;
const HOUR = 3_600_000;

beforeAll(async () => {
  const now = Date.now();
  const l = await createLedger(url);
  l.record(
    makeRecord({
      ts: now - HOUR,
      tenant: 'acme',
      model: 'gpt-4o',
      tokensIn: 1000,
      cached: 200,
      tokensOut: 300,
      costUsd: 0.00475,
      durationMs: 120,
    }),
  );
  l.record(
    makeRecord({
      ts: now - 2 * HOUR,
      tenant: 'acme',
      model: 'gpt-4o-mini',
      tokensIn: 10,
      tokensOut: 5,
      costUsd: 0.0000045,
      durationMs: 40,
      status: 429,
    }),
  );
  l.record(
    makeRecord({
      ts: now - 3 * HOUR,
      tenant: 'big, "co"',
      model: 'gpt-4o-mini',
      tokensIn: 20,
      tokensOut: 10,
      costUsd: 0.000009,
      durationMs: 60,
    }),
  );
  l.record(
    makeRecord({
      ts: now - 72 * HOUR,
      tenant: 'acme',
      model: 'o3',
      tokensIn: 1,
      tokensOut: 1,
      costUsd: 5,
      durationMs: 9000,
    }),
  );
  await l.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi
    .spyOn(console, 'log')
    .mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    const code = await usageCommand.run(argv);
    return { code, out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('pacer usage', () => {
  it('prints CSV grouped by tenant for the last day, escaping awkward names', async () => {
    const { code, out } = await run(['--ledger', url, '--since', '1d', '--by', 'tenant', '--csv']);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'tenant,requests,errors,tokens_in,cached,tokens_out,reasoning,cost_usd,p50_ms,p95_ms',
      'acme,2,1,1010,200,305,0,0.0047545,40,120',
      '"big, ""co""",1,0,20,0,10,0,0.000009,60,60',
    ]);
  });

  it('filters by tenant and groups by model; without --since it covers all time', async () => {
    const { out } = await run(['--ledger', url, '--tenant', 'acme', '--csv']);
    expect(out.split('\n').slice(1)).toEqual([
      'o3,1,0,1,0,1,0,5,9000,9000',
      'gpt-4o,1,0,1000,200,300,0,0.00475,120,120',
      'gpt-4o-mini,1,1,10,0,5,0,0.0000045,40,40',
    ]);
  });

  it('prints an aligned table with a total row', async () => {
    const { code, out } = await run(['--ledger', url, '--since', '12h']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^Usage by model \(all tenants, since \d{4}-.*\) from sqlite:/);
    expect(lines[2]).toMatch(
      /^MODEL\s+REQUESTS\s+ERRORS\s+TOKENS IN\s+CACHED\s+TOKENS OUT\s+REASONING\s+COST USD\s+P50 MS\s+P95 MS$/,
    );
    expect(lines[3]).toMatch(/^gpt-4o\s+1\s+0\s+1,000\s+200\s+300\s+0\s+\$0\.004750\s+120\s+120$/);
    expect(lines.at(-1)).toMatch(/^TOTAL\s+3\s+1\s+1,030\s+200\s+315\s+0\s+\$0\.00476[34]\s+60\s+120$/);
    // Every row is as wide as the header: columns line up.
    const width = lines[2]!.length;
    for (const l of lines.slice(3)) expect(l.length).toBe(width);
  });

  it('says so when nothing matches', async () => {
    const { out } = await run(['--ledger', url, '--tenant', 'nobody']);
    expect(out).toMatch(/No usage recorded\./);
  });

  it('rejects bad flags with usage errors', async () => {
    await expect(run(['--ledger', url, '--by', 'week'])).rejects.toThrow(UsageError);
    await expect(run(['--ledger', url, '--since', 'yesterday'])).rejects.toThrow(
      /--since must be a duration/,
    );
    await expect(run(['--ledger', url, '--bogus'])).rejects.toThrow(UsageError);
    await expect(run(['--ledger', 'mysql://x/y'])).rejects.toThrow(/unsupported ledger URL/);
  });

  it('fails clearly on a missing ledger without creating one', async () => {
    await expect(run(['--ledger', join(dir, 'nope.sqlite')])).rejects.toThrow(
      /cannot open ledger .*nope\.sqlite.*nothing recorded yet/,
    );
  });

  it('uses PACER_LEDGER when --ledger is absent', async () => {
    vi.stubEnv('PACER_LEDGER', url);
    try {
      const { out } = await run(['--csv', '--by', 'day', '--since', '1d']);
      const days = new Set([1, 2, 3].map((h) => new Date(Date.now() - h * HOUR).toISOString().slice(0, 10)));
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^day,requests,/);
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([...days].sort());
      expect(lines.slice(1).reduce((a, l) => a + Number(l.split(',')[1]), 0)).toBe(3);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('usage helpers', () => {
  it('parses --since durations and dates', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    expect(parseSince('30m', now)).toBe(now - 30 * 60_000);
    expect(parseSince('12h', now)).toBe(now - 12 * HOUR);
    expect(parseSince('7d', now)).toBe(now - 7 * 24 * HOUR);
    expect(parseSince('2026-03-01', now)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(parseSince('2026-03-01T06:00:00Z', now)).toBe(Date.parse('2026-03-01T06:00:00Z'));
    expect(() => parseSince('7', now)).toThrow(UsageError);
    expect(() => parseSince('-1d', now)).toThrow(UsageError);
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('sqlite:.pacer/ledger.sqlite')).toBe('sqlite:.pacer/ledger.sqlite');
  });

  it('formats a table without a total', () => {
    const row = {
      key: 'm',
      requests: 1,
      errors: 0,
      tokensIn: 1,
      cached: 0,
      tokensOut: 1,
      reasoning: 0,
      costUsd: 1,
      p50Ms: null,
      p95Ms: null,
    };
    expect(formatTable('model', [row], undefined).split('\n')).toHaveLength(2);
  });
});
