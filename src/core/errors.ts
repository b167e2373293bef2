/**
 * One registry of failures with stable codes. Each maps to an HTTP status and an OpenAI-shaped
 * body; docs/errors.md lists every code and a test keeps the two in step.
 */
export interface ErrorSpec {
  status: number;
  type: string;
  /** The OpenAI `error.code` clients see (null where OpenAI sends null). */
  openaiCode: string | null;
  summary: string;
}

export const ERRORS = {
  PACER_INVALID_JSON: {
    status: 400,
    type: 'invalid_request_error',
    openaiCode: null,
    summary: 'The request body is not valid JSON.',
  },
  PACER_INVALID_REQUEST: {
    status: 400,
    type: 'invalid_request_error',
    openaiCode: null,
    summary: 'A field is missing, has the wrong type or an invalid value.',
  },
  PACER_UNKNOWN_PARAMETER: {
    status: 400,
    type: 'invalid_request_error',
    openaiCode: 'unknown_parameter',
    summary: 'The body has a field the endpoint does not accept.',
  },
  PACER_INVALID_HEADER: {
    status: 400,
    type: 'invalid_request_error',
    openaiCode: 'invalid_value',
    summary: 'An x-pacer-* request header has a value Pacer cannot use; `param` names the header.',
  },
  PACER_INVALID_API_KEY: {
    status: 401,
    type: 'invalid_request_error',
    openaiCode: 'invalid_api_key',
    summary: 'The virtual key is missing, unknown or revoked.',
  },
  PACER_ADMIN_UNAUTHORIZED: {
    status: 401,
    type: 'invalid_request_error',
    openaiCode: 'invalid_api_key',
    summary: 'The admin token is missing or wrong.',
  },
  PACER_MODEL_NOT_ALLOWED: {
    status: 403,
    type: 'invalid_request_error',
    openaiCode: 'model_not_allowed',
    summary: "The model is not in the tenant's plan.",
  },
  PACER_BATCH_INPUT_UNVERIFIED: {
    status: 403,
    type: 'invalid_request_error',
    openaiCode: 'batch_input_unverified',
    summary:
      "The tenant's plan limits models, and the batch's input file was not read at upload (uploaded before, or more distinct models than the gateway keeps).",
  },
  PACER_NOT_FOUND: {
    status: 404,
    type: 'invalid_request_error',
    openaiCode: 'not_found',
    summary: 'No such route or object.',
  },
  PACER_MODEL_NOT_FOUND: {
    status: 404,
    type: 'invalid_request_error',
    openaiCode: 'model_not_found',
    summary: 'The model does not exist or is not served.',
  },
  PACER_METHOD_NOT_ALLOWED: {
    status: 405,
    type: 'invalid_request_error',
    openaiCode: 'method_not_allowed',
    summary: 'The route exists but not for this HTTP method.',
  },
  PACER_CONFLICT: {
    status: 409,
    type: 'invalid_request_error',
    openaiCode: 'idempotency_conflict',
    summary: 'A request with the same idempotency key is in flight or had a different body.',
  },
  PACER_REQUEST_TOO_LARGE: {
    status: 413,
    type: 'invalid_request_error',
    openaiCode: 'request_too_large',
    summary: 'The body or prompt is over the configured cap.',
  },
  PACER_CONTEXT_LENGTH_EXCEEDED: {
    status: 413,
    type: 'invalid_request_error',
    openaiCode: 'context_length_exceeded',
    summary: "The prompt plus requested output exceeds the model's context window.",
  },
  PACER_RATE_LIMITED: {
    status: 429,
    type: 'rate_limit_exceeded',
    openaiCode: 'rate_limit_exceeded',
    summary: "The tenant's per-minute budget is spent; retry-after says when it refills.",
  },
  PACER_DEADLINE_EXCEEDED: {
    status: 429,
    type: 'rate_limit_exceeded',
    openaiCode: 'rate_limit_exceeded',
    summary: 'The request could not start within its deadline; retry-after says when it would fit.',
  },
  PACER_INSUFFICIENT_QUOTA: {
    status: 429,
    type: 'insufficient_quota',
    openaiCode: 'insufficient_quota',
    summary: 'A daily or dollar budget is spent.',
  },
  PACER_INTERNAL: {
    status: 500,
    type: 'server_error',
    openaiCode: 'internal_error',
    summary: 'An unexpected failure inside Pacer.',
  },
  PACER_UPSTREAM_ERROR: {
    status: 502,
    type: 'server_error',
    openaiCode: 'upstream_error',
    summary: 'The upstream failed after bounded retries.',
  },
  PACER_UPSTREAM_AUTH: {
    status: 502,
    type: 'server_error',
    openaiCode: 'upstream_auth_failed',
    summary:
      "The upstream refused the gateway's own API key (401). The upstream's message, which quotes part of that key, is not passed on; the operator must fix the key.",
  },
  PACER_UPSTREAM_UNAVAILABLE: {
    status: 503,
    type: 'server_error',
    openaiCode: 'upstream_unavailable',
    summary: 'The upstream is unreachable or overloaded.',
  },
  PACER_OWNER_STORE_UNAVAILABLE: {
    status: 503,
    type: 'server_error',
    openaiCode: 'owner_store_unavailable',
    summary:
      'The store that records which tenant owns files, batches and responses could not be reached; retry-after says when to try again.',
  },
  PACER_BREAKER_OPEN: {
    status: 503,
    type: 'server_error',
    openaiCode: 'circuit_open',
    summary: "The pool's circuit breaker is open; retry-after says when it probes again.",
  },
  PACER_UPSTREAM_TIMEOUT: {
    status: 504,
    type: 'server_error',
    openaiCode: 'upstream_timeout',
    summary: 'The upstream did not answer in time.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface PacerErrorOptions {
  param?: string | null;
  /** Milliseconds until a retry would succeed; becomes retry-after and retry-after-ms. */
  retryAfterMs?: number;
  /** Overrides the registry's OpenAI code (e.g. the upstream's own code). */
  openaiCode?: string | null;
  headers?: Record<string, string>;
}

export class PacerError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;
  readonly openaiCode: string | null;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: PacerErrorOptions = {}) {
    super(message);
    this.name = 'PacerError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.param = options.param ?? null;
    this.retryAfterMs = options.retryAfterMs;
    this.openaiCode = options.openaiCode === undefined ? ERRORS[code].openaiCode : options.openaiCode;
    this.headers = options.headers ?? {};
  }

  toBody(): OpenAIErrorBody {
    return {
      error: {
        message: this.message,
        type: ERRORS[this.code].type,
        param: this.param,
        code: this.openaiCode,
      },
    };
  }

  /** Response headers that go with the body: retry hints and the stable Pacer code. */
  responseHeaders(): Record<string, string> {
    const h: Record<string, string> = { ...this.headers, 'x-pacer-error-code': this.code };
    if (this.retryAfterMs !== undefined) Object.assign(h, retryAfterHeaders(this.retryAfterMs));
    return h;
  }
}

/** retry-after in whole seconds (at least 1, as OpenAI sends it) plus the exact retry-after-ms. */
export function retryAfterHeaders(ms: number): Record<string, string> {
  const safe = Math.max(0, Math.ceil(ms));
  return { 'retry-after': String(Math.max(1, Math.ceil(safe / 1000))), 'retry-after-ms': String(safe) };
}

export function openaiError(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
