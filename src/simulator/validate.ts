import { unknownField, unknownFieldMessage, type RequestEndpoint } from '../core/openai/request-fields.js';
import { typeName } from '../core/openai/type-name.js';

/** A 400 (or other status) the request itself caused; routes turn it into the OpenAI body. */
export class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Body = Record<string, unknown>;

function wrongType(param: string, expected: string, v: unknown): InvalidRequest {
  return new InvalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(v)} instead.`,
    param,
    'invalid_type',
  );
}

/** Parses the body as a JSON object, or the real "could not parse" 400. */
export function parseBody(raw: Buffer): Body {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidRequest(
      `Invalid type for request body: expected an object, but got ${typeName(value)} instead.`,
      null,
      'invalid_type',
    );
  }
  return value as Body;
}

/** The shared allow-list and wording (core/openai/request-fields.ts), as the gateway applies them. */
export function rejectUnknown(body: Body, endpoint: RequestEndpoint): void {
  const key = unknownField(endpoint, body);
  if (key !== undefined)
    throw new InvalidRequest(unknownFieldMessage(endpoint, key), key, 'unknown_parameter');
}

export function optInt(body: Body, key: string, min?: number, max?: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(key, 'an integer', v);
  if (min !== undefined && v < min)
    throw new InvalidRequest(
      `Invalid '${key}': integer below minimum value. Expected a value >= ${min}, but got ${v} instead.`,
      key,
      'integer_below_min_value',
    );
  if (max !== undefined && v > max)
    throw new InvalidRequest(
      `Invalid '${key}': integer above maximum value. Expected a value <= ${max}, but got ${v} instead.`,
      key,
      'integer_above_max_value',
    );
  return v;
}

export function optNumber(body: Body, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw wrongType(key, 'a number', v);
  if (v < min)
    throw new InvalidRequest(
      `Invalid '${key}': decimal below minimum value. Expected a value >= ${min}, but got ${v} instead.`,
      key,
      'decimal_below_min_value',
    );
  if (v > max)
    throw new InvalidRequest(
      `Invalid '${key}': decimal above maximum value. Expected a value <= ${max}, but got ${v} instead.`,
      key,
      'decimal_above_max_value',
    );
  return v;
}

export function optBool(body: Body, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw wrongType(key, 'a boolean', v);
  return v;
}

export function optString(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw wrongType(key, 'a string', v);
  return v;
}

export function optObject(body: Body, key: string): Body | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(key, 'an object', v);
  return v as Body;
}

export function optArray(body: Body, key: string): unknown[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw wrongType(key, 'an array', v);
  return v;
}

export function requireModelName(body: Body, style: 'legacy' | 'responses'): string {
  const v = body['model'];
  if (v === undefined || v === null || v === '') {
    if (style === 'legacy') throw new InvalidRequest('you must provide a model parameter');
    throw new InvalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  if (typeof v !== 'string') throw wrongType('model', 'a string', v);
  return v;
}

export function modelNotFound(id: string): InvalidRequest {
  return new InvalidRequest(
    `The model \`${id}\` does not exist or you do not have access to it.`,
    null,
    'model_not_found',
    404,
  );
}
