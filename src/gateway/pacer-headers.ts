/**
 * The request headers Pacer itself reads, parsed strictly: a header that is present but not
 * valid is a 400 naming it (param = the header), never silently the default, so a client that
 * misspells a priority or sends a deadline in the wrong unit finds out at once.
 */
import { PacerError } from '../core/errors.js';
import type { Priority } from '../engine/types.js';

export const PRIORITY_HEADER = 'x-pacer-priority';
export const DEADLINE_HEADER = 'x-pacer-deadline-ms';

/** The default cap on x-pacer-deadline-ms: the official SDK's own request timeout (10 minutes). */
export const DEFAULT_MAX_DEADLINE_MS = 600_000;

/** A header as node:http (string, or string[] when repeated) or fetch's Headers.get (null) gives it. */
export type HeaderValue = string | readonly string[] | null | undefined;

const PRIORITIES: readonly Priority[] = ['interactive', 'default', 'batch'];
/** Milliseconds as a plain decimal number: no sign, no hex, no "Infinity". */
const DECIMAL = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function invalid(header: string, value: string, expected: string): PacerError {
  const shown = value.length > 64 ? `${value.slice(0, 64)}...` : value;
  return new PacerError('PACER_INVALID_HEADER', `Invalid ${header} header: "${shown}". ${expected}`, {
    param: header,
  });
}

/** One value, or an error when the header was sent more than once. */
function single(header: string, value: HeaderValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.length === 1) return value[0];
  throw invalid(header, value.join(', '), 'Send the header once.');
}

/** x-pacer-priority: interactive | default | batch (any case); undefined when absent. */
export function parsePriority(value: HeaderValue): Priority | undefined {
  const raw = single(PRIORITY_HEADER, value);
  if (raw === undefined) return undefined;
  const p = raw.trim().toLowerCase();
  const known = PRIORITIES.find((x) => x === p);
  if (known === undefined) throw invalid(PRIORITY_HEADER, raw, `Expected one of: ${PRIORITIES.join(', ')}.`);
  return known;
}

/**
 * x-pacer-deadline-ms: the longest queue wait in ms (a finite number >= 0), capped at `maxMs`;
 * undefined when absent. Capped rather than refused: "as long as you can" is a fair request.
 */
export function parseDeadlineMs(value: HeaderValue, maxMs: number): number | undefined {
  const raw = single(DEADLINE_HEADER, value);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const ms = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(ms))
    throw invalid(
      DEADLINE_HEADER,
      raw,
      `Expected a number of milliseconds, 0 or more (values above ${maxMs} are capped at ${maxMs}).`,
    );
  return Math.min(ms, maxMs);
}

/** The gateway's view: the same parsers over a node:http request's headers. */
interface WithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

export function priorityOf(req: WithHeaders): Priority | undefined {
  return parsePriority(req.headers[PRIORITY_HEADER]);
}

export function deadlineOf(req: WithHeaders, maxMs: number): number | undefined {
  return parseDeadlineMs(req.headers[DEADLINE_HEADER], maxMs);
}
