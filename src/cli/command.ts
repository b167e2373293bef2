import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI command: argv in, exit code out. Commands stay thin: parse, wire, run. */
export interface Command {
  name: string;
  summary: string;
  /** Full --help text. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with our conventions: unknown flags and stray positionals are usage errors. */
export interface ParsedFlags {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseFlags(argv: string[], options: Options, allowPositionals = false): ParsedFlags {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Reads a numeric flag, rejecting garbage with the flag's name. */
export function numberFlag(
  value: string | boolean | undefined,
  name: string,
  opts: { min?: number; integer?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${name} must be a number, got "${String(value)}"`);
  if (opts.integer && !Number.isInteger(n))
    throw new UsageError(`--${name} must be an integer, got "${value}"`);
  if (opts.min !== undefined && n < opts.min)
    throw new UsageError(`--${name} must be at least ${opts.min}, got ${value}`);
  return n;
}
