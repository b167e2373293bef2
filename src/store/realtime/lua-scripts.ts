import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Lua scripts, one file each, read once. Works from src/ (tests) and from dist/ (built). */
export const SCRIPT_NAMES = [
  'reserve',
  'penalize',
  'acquire-slot',
  'touch-slot',
  'count-slots',
  'unlock',
  'now',
  'book-ticket',
  'claim-ticket',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

function luaDir(): string {
  const candidates = ['./lua/', '../../../src/store/realtime/lua/'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((dir) => existsSync(`${dir}reserve.lua`));
  if (!found) throw new Error(`realtime Lua scripts not found in ${candidates.join(' or ')}`);
  return found;
}

export function loadScripts(): Record<ScriptName, string> {
  const dir = luaDir();
  const out = {} as Record<ScriptName, string>;
  for (const name of SCRIPT_NAMES) out[name] = readFileSync(`${dir}${name}.lua`, 'utf8');
  return out;
}
