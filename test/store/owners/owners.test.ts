import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/core/clock.js';
import {
  createMemoryOwnerStore,
  createRedisOwnerStore,
  openSqliteOwnerStore,
  type OwnerStore,
} from '../../../src/store/owners/index.js';
import { openKeyStore } from '../../../src/store/keys/key-store.js';
import { redisUnavailable, startRedis, type RedisServer } from '../../helpers/redis.js';
import { defineOwnerStoreContract } from './contract.js';

const opened: OwnerStore[] = [];
const track = <T extends OwnerStore>(s: T): T => (opened.push(s), s);
const dir = mkdtempSync(join(tmpdir(), 'pacer-owners-'));
afterAll(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

defineOwnerStoreContract('memory', async () => {
  const clock = createManualClock(1_764_000_000_000);
  const store = track(createMemoryOwnerStore(clock));
  return { store, peer: async () => store, advance: async (ms) => clock.advance(ms), durable: false };
});

let files = 0;
defineOwnerStoreContract('sqlite', async () => {
  const clock = createManualClock(1_764_000_000_000);
  const path = join(dir, `owners-${files++}.sqlite`);
  return {
    store: track(openSqliteOwnerStore(path, clock)),
    peer: async () => track(openSqliteOwnerStore(path, clock)),
    advance: async (ms) => clock.advance(ms),
    durable: true,
  };
});

describe('sqlite owner store in the key store file', () => {
  it('shares the file with the virtual keys without touching them', async () => {
    const path = join(dir, 'keys.sqlite');
    const keys = openKeyStore(path);
    const { key } = keys.create({ tenant: 'acme' });
    const owners = track(openSqliteOwnerStore(path));
    await owners.claim('file-shared', { tenant: 'acme' });
    expect(keys.lookup(key)?.tenant).toBe('acme');
    expect(keys.list()).toHaveLength(1);
    keys.close();
    expect(await owners.get('file-shared')).toEqual({ tenant: 'acme' });
  });
});

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (!redisUnavailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe.skipIf(redisUnavailable !== undefined)('redis', () => {
  let prefixes = 0;
  defineOwnerStoreContract('redis', async () => {
    const prefix = `own${prefixes++}`;
    const open = () => track(createRedisOwnerStore({ redis: redis!.url, prefix }));
    return {
      store: open(),
      peer: async () => open(),
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
      durable: true,
    };
  });

  it('keeps one key per object, with the ttl as its expiry', async () => {
    const store = track(createRedisOwnerStore({ redis: redis!.url, prefix: 'keys' }));
    await store.claim('resp_abc', { tenant: 'acme' }, 60_000);
    await store.claim('file-abc', { tenant: 'acme' });
    const admin = new Redis(redis!.url);
    try {
      expect((await admin.keys('keys:*')).sort()).toEqual(['keys:owner:file-abc', 'keys:owner:resp_abc']);
      const ttl = await admin.pttl('keys:owner:resp_abc');
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await admin.pttl('keys:owner:file-abc')).toBe(-1);
      expect(JSON.parse((await admin.get('keys:owner:file-abc'))!)).toEqual({ tenant: 'acme' });
    } finally {
      admin.disconnect();
    }
  });

  it('rejects calls while Redis is away instead of guessing an owner', async () => {
    const store = track(createRedisOwnerStore({ redis: redis!.url, prefix: 'down' }));
    await store.claim('file-down', { tenant: 'acme' });
    await redis!.stop();
    try {
      await expect(store.get('file-down')).rejects.toThrow();
    } finally {
      await redis!.start();
    }
    // The client reconnects by itself (the test server keeps no data across a restart).
    let up = false;
    for (let i = 0; i < 50 && !up; i++) {
      up = await store.get('file-down').then(
        () => true,
        () => false,
      );
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    expect(await store.claim('file-again', { tenant: 'acme' })).toBe('acme');
  });
});
