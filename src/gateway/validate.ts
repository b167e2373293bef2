/**
 * Request validation before anything is queued: JSON, a top-level allow-list per endpoint (the
 * real API's request fields and every field the installed SDK declares, shared with the
 * simulator and worded as it answers), and the few fields the gateway itself needs.
 */
import { PacerError } from '../core/errors.js';
import { unknownField, unknownFieldMessage } from '../core/openai/request-fields.js';
import { checkContentTypes } from './validate-content.js';

export type InferenceRoute = 'chat' | 'responses' | 'embeddings';

export interface ParsedRequest {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** The output cap the client asked for, if any. */
  requestedOutput: number | undefined;
}

function invalid(message: string, param: string | null): PacerError {
  return new PacerError('PACER_INVALID_REQUEST', message, { param });
}

export function parseRequest(route: InferenceRoute, raw: Buffer): ParsedRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new PacerError(
      'PACER_INVALID_JSON',
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
    );
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalid('The request body must be a JSON object.', null);
  const obj = body as Record<string, unknown>;
  const unknown = unknownField(route, obj);
  if (unknown !== undefined)
    throw new PacerError('PACER_UNKNOWN_PARAMETER', unknownFieldMessage(route, unknown), { param: unknown });
  const model = obj['model'];
  if (typeof model !== 'string' || model === '')
    throw invalid("Missing required parameter: 'model'.", 'model');
  const stream = obj['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean')
    throw invalid("Invalid type for 'stream': expected a boolean.", 'stream');
  if (route === 'chat' && !Array.isArray(obj['messages']))
    throw invalid("Missing required parameter: 'messages'.", 'messages');
  if (route === 'embeddings' && obj['input'] === undefined)
    throw invalid("Missing required parameter: 'input'.", 'input');
  checkContentTypes(route, obj);
  if (
    route !== 'embeddings' &&
    obj['stream_options'] !== undefined &&
    obj['stream_options'] !== null &&
    stream !== true
  ) {
    throw invalid(
      "Invalid value for 'stream_options': only allowed when 'stream' is true.",
      'stream_options',
    );
  }
  const outKey =
    route === 'chat'
      ? obj['max_completion_tokens'] !== undefined
        ? 'max_completion_tokens'
        : 'max_tokens'
      : 'max_output_tokens';
  const out = obj[outKey];
  if (out !== undefined && out !== null && (typeof out !== 'number' || !Number.isInteger(out) || out < 1)) {
    throw invalid(`Invalid '${outKey}': expected a positive integer.`, outKey);
  }
  return {
    body: obj,
    model,
    stream: stream === true,
    requestedOutput: typeof out === 'number' ? out : undefined,
  };
}
