/**
 * Message content must be a string or an array of parts (null where the API allows none), as
 * the real API checks: anything else is its 400 `invalid_type`, here too, before the estimator
 * would try to count it (a deeply nested object there used to surface as a 500).
 */
import { PacerError } from '../core/errors.js';
import type { InferenceRoute } from './validate.js';
import { typeName } from '../core/openai/type-name.js';

function wrongType(param: string, expected: string, v: unknown): PacerError {
  return new PacerError(
    'PACER_INVALID_REQUEST',
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(v)} instead.`,
    { param, openaiCode: 'invalid_type' },
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Throws the API's 400 for content of the wrong type; a cheap pass over the message list. */
export function checkContentTypes(route: InferenceRoute, body: Record<string, unknown>): void {
  if (route === 'chat') {
    const messages = body['messages'];
    if (!Array.isArray(messages)) return;
    for (let i = 0; i < messages.length; i++) {
      const m: unknown = messages[i];
      if (!isRecord(m)) throw wrongType(`messages[${i}]`, 'an object', m);
      const c = m['content'];
      // null: an assistant message that only calls tools.
      if (c !== undefined && c !== null && typeof c !== 'string' && !Array.isArray(c))
        throw wrongType(`messages[${i}].content`, 'one of a string or array of objects', c);
    }
    return;
  }
  if (route !== 'responses') return;
  const input = body['input'];
  if (input === undefined || input === null || typeof input === 'string') return;
  if (!Array.isArray(input)) throw wrongType('input', 'one of a string or array of input items', input);
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    if (!isRecord(item) || (item['type'] !== undefined && item['type'] !== 'message')) continue;
    const c = item['content'];
    if (c !== undefined && typeof c !== 'string' && !Array.isArray(c))
      throw wrongType(`input[${i}].content`, 'one of a string or array of input content parts', c);
  }
}
