import type { Outcome } from './outcome.js';

/**
 * What one request finally came to, as the goal needs it told apart:
 * - `ok`: it succeeded (after any retries);
 * - `shed`: Pacer answered it at once with its deadline 429 (`x-pacer-error-code:
 *   PACER_DEADLINE_EXCEEDED`), never sending it upstream; by design when the deadline cannot be met;
 * - `upstream_429`: a 429 from the upstream reached the client (any 429 without a Pacer code);
 * - `other_error`: 5xx, network, a broken stream, any other 4xx or gateway refusal;
 * - `unfinished`: still queued, in flight or waiting to retry when the drain ended (cut).
 */
export type OutcomeClass = 'ok' | 'shed' | 'upstream_429' | 'other_error' | 'unfinished';

export const OUTCOME_CLASSES: readonly OutcomeClass[] = [
  'ok',
  'shed',
  'upstream_429',
  'other_error',
  'unfinished',
];

/** The gateway's code on a request it shed because its deadline could not be met. */
export const DEADLINE_SHED_CODE = 'PACER_DEADLINE_EXCEEDED';

export function classify(o: Pick<Outcome, 'ok' | 'errorKind' | 'status' | 'pacerErrorCode'>): OutcomeClass {
  if (o.ok) return 'ok';
  if (o.errorKind === 'cut') return 'unfinished';
  if (o.status === 429 && o.pacerErrorCode === DEADLINE_SHED_CODE) return 'shed';
  if (o.status === 429 && o.pacerErrorCode === null) return 'upstream_429';
  return 'other_error';
}

export type OutcomeCounts = Record<OutcomeClass, number>;

export function countOutcomes(outcomes: readonly Outcome[]): OutcomeCounts {
  const counts: OutcomeCounts = { ok: 0, shed: 0, upstream_429: 0, other_error: 0, unfinished: 0 };
  for (const o of outcomes) counts[classify(o)]++;
  return counts;
}

/** Errors a client saw while its deadline allowed: neither a deadline shed nor cut by the drain. */
export function clientVisibleErrors(c: OutcomeCounts): number {
  return c.upstream_429 + c.other_error;
}
