import { previousResponseNotFound } from '../../core/openai/not-found.js';
import { apiError } from './api-error.js';
import type { Ownership } from './ownership.js';

const FIELD = Buffer.from('"previous_response_id"');

/**
 * A request chaining from a stored response (`previous_response_id`) reads that response's whole
 * conversation: it must be the caller's own, else the upstream's 400 "Previous response with id …
 * not found". The body is parsed only when it names the field at all.
 */
export async function checkPreviousResponse(
  ownership: Ownership,
  tenant: string,
  raw: Buffer,
): Promise<void> {
  if (raw.indexOf(FIELD) < 0) return;
  let prev: unknown;
  try {
    prev = (JSON.parse(raw.toString('utf8')) as { previous_response_id?: unknown }).previous_response_id;
  } catch {
    return; // not JSON: the route refuses it in its own words
  }
  if (typeof prev !== 'string') return;
  if (!(await ownership.ownedBy(tenant, prev))) throw apiError(previousResponseNotFound(prev));
}
