import { PacerError } from '../../core/errors.js';
import type { ApiErrorFields } from '../../core/openai/not-found.js';

/**
 * One of the API's own answers (core/openai/not-found.ts) as a PacerError: same status, message,
 * type, param and code as the upstream sends, so the client cannot tell who answered.
 */
export function apiError(e: ApiErrorFields): PacerError {
  return new PacerError(e.status === 404 ? 'PACER_NOT_FOUND' : 'PACER_INVALID_REQUEST', e.message, {
    param: e.param,
    openaiCode: e.code,
  });
}
