import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSeededRng } from '../../core/clock.js';
import { findModel, type ModelInfo } from '../../core/models.js';
import type { SimContext } from '../context.js';
import { acceptRequest, recordUsage, respondLater } from '../pipeline.js';
import { hashText, normal } from '../text/generator.js';
import { countCached } from '../text/prompt.js';
import {
  InvalidRequest,
  modelNotFound,
  optInt,
  optString,
  rejectUnknown,
  requireModelName,
  type Body,
} from '../validate.js';

const MAX_INPUTS = 2048;
const MAX_TOKENS_PER_INPUT = 8192;
const MAX_TOKENS_PER_REQUEST = 300_000;
const INVALID_INPUT =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

interface EmbeddingsRequest {
  model: ModelInfo;
  /** Each input as text (token arrays are kept as their ids joined, for seeding only). */
  keys: string[];
  tokens: number;
  chars: number;
  dims: number;
  base64: boolean;
}

/** What admission deducts: input only (embeddings have no output), estimated from characters. */
const chargeOf = (e: EmbeddingsRequest): number => Math.ceil(e.chars / 4);

/** POST /v1/embeddings: deterministic unit vectors seeded by the text, float or base64. */
export async function handleEmbeddings(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const accepted = await acceptRequest(
    ctx,
    req,
    res,
    (body) => parseEmbeddingsRequest(body),
    (x) => ({ model: x.model, cost: chargeOf(x) }),
  );
  if (!accepted) return;
  const { request: e, startedAt, fault, rateLimit } = accepted;
  recordUsage(ctx, e.model, chargeOf(e), e.tokens, 0);
  const data = e.keys.map((k, index) => {
    const v = embed(e.model, k, e.dims);
    return {
      object: 'embedding',
      index,
      embedding: e.base64
        ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
        : Array.from(v),
    };
  });
  const body = JSON.stringify({
    object: 'list',
    data,
    model: e.model.id,
    usage: { prompt_tokens: e.tokens, total_tokens: e.tokens },
  });
  const delay = ctx.options.ttftMs > 0 ? ctx.scale(ctx.options.ttftMs / 3) : 0;
  respondLater(ctx, res, delay, fault, () =>
    ctx.sendJson(res, 200, body, { model: e.model, startedAt, rateLimit }),
  );
}

function parseEmbeddingsRequest(body: Body): EmbeddingsRequest {
  rejectUnknown(body, 'embeddings');
  const name = requireModelName(body, 'legacy');
  const model = findModel(name);
  if (!model) throw modelNotFound(name);
  if (model.kind !== 'embedding')
    throw new InvalidRequest(`This model does not support embeddings: ${name}.`, 'model', 'invalid_value');
  const format = optString(body, 'encoding_format') ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw new InvalidRequest(
      `Invalid value: '${format}'. Supported values are: 'float' and 'base64'.`,
      'encoding_format',
      'invalid_value',
    );
  }
  const full = model.dimensions ?? 1536;
  let dims = full;
  if (body['dimensions'] !== undefined && body['dimensions'] !== null) {
    if (model.id === 'text-embedding-ada-002')
      throw new InvalidRequest('This model does not support specifying dimensions.', 'dimensions', null);
    dims = optInt(body, 'dimensions', 1, full)!;
  }
  const inputs = normalizeInput(body['input']);
  if (inputs.length > MAX_INPUTS) {
    throw new InvalidRequest(
      `Invalid 'input': array too long. Expected an array with maximum length ${MAX_INPUTS}, but got an array with length ${inputs.length} instead.`,
      'input',
      'array_above_max_length',
    );
  }
  const keys: string[] = [];
  let tokens = 0;
  let chars = 0;
  for (const item of inputs) {
    let n: number;
    if (typeof item === 'string') {
      if (item === '') throw new InvalidRequest(INVALID_INPUT);
      n = countCached(item, 'cl100k_base');
      keys.push(item);
      chars += item.length;
    } else {
      n = item.length;
      keys.push(`\u0000${item.join(',')}`);
      chars += n * 4;
    }
    if (n > MAX_TOKENS_PER_INPUT) {
      throw new InvalidRequest(
        `This model's maximum context length is ${MAX_TOKENS_PER_INPUT} tokens, however you requested ${n} tokens (${n} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        'input',
        'context_length_exceeded',
      );
    }
    tokens += n;
  }
  if (tokens > MAX_TOKENS_PER_REQUEST) {
    throw new InvalidRequest(
      `Requested ${tokens} tokens, max ${MAX_TOKENS_PER_REQUEST} tokens per request`,
      null,
      'max_tokens_per_request',
    );
  }
  return { model, keys, tokens, chars, dims, base64: format === 'base64' };
}

/** string | string[] | number[] | number[][] -> a list of strings and token arrays. */
function normalizeInput(input: unknown): (string | number[])[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) {
    if (input === undefined || input === null)
      throw new InvalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    throw new InvalidRequest(INVALID_INPUT);
  }
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  return input.map((x) => {
    if (typeof x === 'string') return x;
    if (
      Array.isArray(x) &&
      x.length > 0 &&
      x.every((t) => typeof t === 'number' && Number.isInteger(t) && t >= 0)
    )
      return x as number[];
    throw new InvalidRequest(INVALID_INPUT);
  });
}

const VEC_MEMO_MAX = 512;
const vecMemo = new Map<string, Float32Array>();

/** A unit vector from the text; `dims` shorter than the model's takes a prefix and renormalises. */
function embed(model: ModelInfo, key: string, dims: number): Float32Array {
  const memoKey = `${model.id}\u0000${dims}\u0000${key}`;
  const hit = vecMemo.get(memoKey);
  if (hit) return hit;
  const rng = createSeededRng(hashText(0x2545f491, `${model.id}\u0000${key}`));
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const x = normal(rng);
    v[i] = x;
    norm += x * x;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i] = v[i]! * inv;
  if (vecMemo.size >= VEC_MEMO_MAX) vecMemo.clear();
  vecMemo.set(memoKey, v);
  return v;
}
