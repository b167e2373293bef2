import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashKey, openKeyStore } from '../../../src/store/keys/key-store.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key store', () => {
  it('stores only a hash, finds live keys and forgets revoked ones', () => {
    const path = join(dir, 'a.sqlite');
    const store = openKeyStore(path);
    const { key, record } = store.create({ tenant: 'acme', plan: 'pro', now: 1000 });
    expect(key).toMatch(/^pk-[A-Za-z0-9_-]{32}$/);
    expect(store.lookup(key)).toEqual(record);
    expect(store.lookup(key + 'x')).toBeUndefined();
    expect(store.lookup('sk-whatever')).toBeUndefined();
    store.close();

    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(bytes.includes(Buffer.from(hashKey(key)))).toBe(true);

    // another handle (another process in real life) sees the revocation at once
    const reader = openKeyStore(path);
    const writer = openKeyStore(path);
    expect(reader.lookup(key)?.tenant).toBe('acme');
    expect(writer.revoke(record.id, 2000)).toBe(true);
    expect(writer.revoke(record.id, 3000)).toBe(false);
    expect(reader.lookup(key)).toBeUndefined();
    expect(reader.list()[0]).toMatchObject({ id: record.id, revokedAt: 2000 });
    reader.close();
    writer.close();
  });

  it('makes distinct keys', () => {
    const store = openKeyStore(':memory:');
    const keys = new Set(Array.from({ length: 50 }, () => store.create({ tenant: 't' }).key));
    expect(keys.size).toBe(50);
    store.close();
  });
});

describe('pacer keys', () => {
  const cli = join(process.cwd(), 'dist/cli/main.js');
  const db = join(dir, 'cli.sqlite');
  const run = (...args: string[]) =>
    spawnSync('node', [cli, 'keys', ...args, '--db', db], { encoding: 'utf8', cwd: dir });

  it('creates (printing the key once), lists and revokes', () => {
    const created = run('create', '--tenant', 'acme', '--plan', 'pro');
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^pk-/);
    const listed = run('list');
    expect(listed.stdout).toContain('acme');
    expect(listed.stdout).not.toContain(key);
    const id = /key_[0-9a-f]+/.exec(created.stderr)?.[0];
    expect(id).toBeDefined();
    expect(run('revoke', id!).status).toBe(0);
    expect(run('revoke', id!).status).toBe(1);
    const json = JSON.parse(
      execFileSync('node', [cli, 'keys', 'list', '--json', '--db', db], { encoding: 'utf8' }),
    ) as { revokedAt: number | null }[];
    expect(json[0]?.revokedAt).not.toBeNull();
  });

  it('refuses a tenant the config does not know, naming the file', () => {
    const config = join(dir, 'pacer.yaml');
    writeFileSync(config, 'plans:\n  pro: { rpm: 10 }\ntenants:\n  acme: { plan: pro }\n');
    const r = spawnSync(
      'node',
      [cli, 'keys', 'create', '--tenant', 'nobody', '--config', config, '--db', db],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('tenant "nobody" is not in');
    expect(r.stderr).toContain('pacer.yaml');
  });

  it('exits 2 with usage on a bad subcommand or missing flag', () => {
    expect(run('frobnicate').status).toBe(2);
    const r = run('create');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--tenant');
  });
});
