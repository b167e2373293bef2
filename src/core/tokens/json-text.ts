/**
 * JSON text of a request fragment (a tool, a schema, an unknown content part) for counting.
 * JSON.parse accepts nesting thousands of levels deep but JSON.stringify recurses and throws
 * RangeError on it: that is the client's malformed request (a 400), not Pacer failing (a 500).
 */
import { PacerError } from '../errors.js';

/**
 * `param` names the field for the error; a `#` in it stands for `index` (so the hot path passes
 * a constant and an index, and the path string is only built on failure).
 */
export function jsonText(value: unknown, param: string, index = 0): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    param = param.replace('#', String(index));
    throw new PacerError(
      'PACER_INVALID_REQUEST',
      `Invalid '${param}': the value is nested too deeply to process.`,
      { param, openaiCode: 'invalid_value' },
    );
  }
}
