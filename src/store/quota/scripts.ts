import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts, one file each in ./lua, read once. Scripts that share code get a library
 * prepended here, because Redis scripts cannot import: the bucket scripts bucket-lib.lua (server
 * time, bucket read and write), the budget-* steps budget-lib.lua (state, calendar, bucket
 * maths). Works from src/ (tests) and dist/ (built).
 */
export const QUOTA_SCRIPTS = [
  'take-all',
  'start-wait',
  'adjust',
  'tighten',
  'levels',
  'pause',
  'learn',
  'incr-within',
  'heartbeat',
  'budget-charge',
  'budget-settle',
  'budget-read',
  'budget-seed',
  'budget-merge',
  'budget-dates',
] as const;
export type QuotaScript = (typeof QUOTA_SCRIPTS)[number];

function luaDir(): string {
  const candidates = ['./lua/', '../../../src/store/quota/lua/'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((dir) => existsSync(`${dir}take-all.lua`));
  if (!found) throw new Error(`quota Lua scripts not found in ${candidates.join(' or ')}`);
  return found;
}

const BUCKET_SCRIPTS: ReadonlySet<QuotaScript> = new Set([
  'take-all',
  'start-wait',
  'adjust',
  'tighten',
  'levels',
]);

/** The library file a script is loaded with, if any. */
function libraryOf(name: QuotaScript): string | undefined {
  if (BUCKET_SCRIPTS.has(name)) return 'bucket-lib.lua';
  return name.startsWith('budget-') ? 'budget-lib.lua' : undefined;
}

export function readQuotaScripts(): Record<QuotaScript, string> {
  const dir = luaDir();
  const out = {} as Record<QuotaScript, string>;
  const libs = new Map<string, string>();
  const lib = (file: string): string => {
    let text = libs.get(file);
    if (text === undefined) libs.set(file, (text = readFileSync(`${dir}${file}`, 'utf8')));
    return text;
  };
  for (const name of QUOTA_SCRIPTS) {
    const body = readFileSync(`${dir}${name}.lua`, 'utf8');
    const file = libraryOf(name);
    out[name] = file ? `${lib(file)}\n${body}` : body;
  }
  return out;
}

export type RunScript = (
  name: QuotaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
) => Promise<unknown>;

/**
 * Registers every script with ioredis defineCommand: it sends EVALSHA and falls back to EVAL on
 * NOSCRIPT (a restarted Redis has an empty script cache), so nothing is loaded by hand.
 */
export function defineQuotaScripts(redis: Redis): RunScript {
  const scripts = readQuotaScripts();
  const commands = new Map<QuotaScript, string>();
  for (const name of QUOTA_SCRIPTS) {
    const command = `pacerQuota_${name.replace(/-/g, '_')}`;
    if (!(command in redis)) redis.defineCommand(command, { lua: scripts[name] });
    commands.set(name, command);
  }
  return (name, keys, args) => {
    const fn = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
      commands.get(name)!
    ]!;
    return fn.call(redis, keys.length, ...keys, ...args);
  };
}
