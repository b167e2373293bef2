import { isRecord } from './http.js';

/** Parsing and validating a batch input JSONL file (openai-api.md §5.2). */

export const BATCH_ENDPOINTS = [
  '/v1/responses',
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/videos',
] as const;

export const MAX_BATCH_REQUESTS = 50_000;

export interface BatchLine {
  customId: string;
  url: string;
  body: Record<string, unknown>;
}

export interface BatchLineError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

export type ParsedInput =
  { ok: true; lines: BatchLine[]; model: string | null } | { ok: false; errors: BatchLineError[] };

/** Checks every line; collects up to 50 errors the way the real validator reports them. */
export function parseBatchInput(text: string, endpoint: string): ParsedInput {
  const errors: BatchLineError[] = [];
  const lines: BatchLine[] = [];
  const seen = new Set<string>();
  let model: string | null = null;
  const rows = text.split('\n');
  for (let i = 0; i < rows.length && errors.length < 50; i++) {
    const raw = rows[i]!.trim();
    if (raw === '') continue;
    const lineNo = i + 1;
    const fail = (code: string, message: string, param: string | null = null): void => {
      errors.push({ code, message, param, line: lineNo });
    };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      fail('invalid_json_line', 'This line is not parseable as valid JSON.');
      continue;
    }
    if (!isRecord(value)) {
      fail('invalid_json_line', 'This line is not a JSON object.');
      continue;
    }
    const { custom_id: customId, method, url, body } = value;
    if (typeof customId !== 'string' || customId === '') {
      fail('missing_required_parameter', "Missing required parameter: 'custom_id'.", 'custom_id');
      continue;
    }
    if (seen.has(customId)) {
      fail(
        'duplicate_custom_id',
        `The custom_id '${customId}' is used more than once in this batch.`,
        'custom_id',
      );
      continue;
    }
    seen.add(customId);
    if (method !== 'POST') {
      fail('invalid_method', "The 'method' of each request must be 'POST'.", 'method');
      continue;
    }
    if (url !== endpoint) {
      fail(
        'mismatched_endpoint',
        `The provided URL '${String(url)}' does not match the batch endpoint '${endpoint}'.`,
        'url',
      );
      continue;
    }
    if (!isRecord(body)) {
      fail('missing_required_parameter', "Missing required parameter: 'body'.", 'body');
      continue;
    }
    const lineModel = typeof body.model === 'string' ? body.model : null;
    if (model !== null && lineModel !== null && lineModel !== model) {
      fail(
        'mismatched_model',
        `The provided model '${lineModel}' does not match the model '${model}' used by other requests in this batch.`,
        'body.model',
      );
      continue;
    }
    model ??= lineModel;
    lines.push({ customId, url, body });
  }
  if (errors.length === 0 && lines.length === 0)
    errors.push({ code: 'empty_file', message: 'The batch input file is empty.', param: null, line: null });
  if (errors.length === 0 && lines.length > MAX_BATCH_REQUESTS) {
    errors.push({
      code: 'too_many_requests',
      message: `The batch input file has ${lines.length} requests; the maximum is ${MAX_BATCH_REQUESTS}.`,
      param: null,
      line: null,
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, lines, model };
}
