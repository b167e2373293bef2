import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

const CLI = resolve('dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'pacer-keys-gw-'));
const db = join(dir, 'keys.sqlite');
const pacer = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, 'keys', ...args, '--db', db], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

let h: Harness;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  h = await startHarness(
    {},
    {
      config: {
        keys_db: db,
        ledger: 'off',
        plans: { free: { rpm: 100, models: ['gpt-4o-mini'] }, pro: { weight: 4 } },
        tenants: { acme: { plan: 'free' } },
      },
    },
  );
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const chat = (apiKey: string, model = 'gpt-4o-mini') =>
  h
    .client({ apiKey })
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 4 })
    .then(
      () => 200,
      (e: unknown) => (e as { status: number }).status,
    );

describe('virtual keys from the key store on a running gateway', () => {
  it('create -> use -> revoke -> 401 at once, without a restart', async () => {
    const key = pacer('create', '--tenant', 'acme').trim();
    expect(key).toMatch(/^pk-/);
    expect(await chat(key)).toBe(200);
    expect(await chat(key, 'gpt-4o')).toBe(403); // the tenant's plan (free) applies
    const id = (JSON.parse(pacer('list', '--json')) as { id: string }[])[0]!.id;
    pacer('revoke', id);
    expect(await chat(key)).toBe(401);
  });

  it("a key's own plan overrides the tenant's", async () => {
    const key = pacer('create', '--tenant', 'acme', '--plan', 'pro').trim();
    expect(await chat(key, 'gpt-4o')).toBe(200);
  });

  it('keys of tenants that are not configured are refused, and the demo key too', async () => {
    const key = pacer('create', '--tenant', 'stranger').trim();
    expect(await chat(key)).toBe(401);
    expect(await chat('pacer-demo-key')).toBe(401);
    expect(h.gw.demoKey).toBeNull();
  });
});

describe('demo mode', () => {
  it('is off when no tenants are configured but the key store has keys', async () => {
    const other = await startHarness({}, { config: { keys_db: db, ledger: 'off' } });
    try {
      expect(other.gw.demoKey).toBeNull();
      const key = pacer('create', '--tenant', 'solo').trim();
      const status = await other
        .client({ apiKey: key })
        .models.list()
        .then(
          () => 200,
          (e: unknown) => (e as { status: number }).status,
        );
      expect(status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('is on when there are no tenants and no key store', async () => {
    const other = await startHarness({}, { config: { keys_db: join(dir, 'absent.sqlite'), ledger: 'off' } });
    expect(other.gw.demoKey).toBe('pacer-demo-key');
    expect(existsSync(join(dir, 'absent.sqlite'))).toBe(false); // the gateway never creates it
    await other.close();
  });
});
