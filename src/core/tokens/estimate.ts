import type { Encoding, ModelInfo } from '../models.js';
import { countTokensBounded, countTokensCached } from './count-cache.js';
import { DEFAULT_IMAGE_TOKENS, imageTokens, type ImageDetail } from './image.js';

export { reconcile, usageTotal } from './usage.js';

/**
 * What a request will cost against TPM before it is sent: the input counted with the model's
 * real BPE encoding plus the requested output cap (times `n`), as OpenAI admits requests.
 */
export type Route = 'chat' | 'responses' | 'embeddings';

export interface EstimateOptions {
  /** Output reserved when the request names no cap: one number, or per model id. */
  defaultMaxOutput?: number | Record<string, number>;
  /**
   * OpenAI admits on an estimate "based on the character count" (ceil(chars / 4)), not on BPE:
   * reserve the larger of the two so the pacer never charges less than the upstream (default true).
   */
  charFloor?: boolean;
  /**
   * Texts longer than this many characters are counted on evenly spaced samples (+5 %), which
   * bounds the cost of huge prompts (default 32 768; Infinity = always exact).
   */
  sampleAboveChars?: number;
}

export const DEFAULT_SAMPLE_ABOVE_CHARS = 32_768;

export interface Estimate {
  input: number;
  output: number;
  total: number;
}

/** Chat framing (OpenAI cookbook / gpt-tokenizer): 3 per message, +1 for a name, 3 to prime the reply. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING = 3;
/** Function-definition overheads (cookbook, 4o family): per function and once for the tool block. */
export const TOKENS_PER_FUNCTION = 7;
export const TOOLS_BLOCK = 12;
export const FALLBACK_MAX_OUTPUT = 1024;

type Json = Record<string, unknown>;

/** Per-call context: the encoding and the characters seen (for the char-based floor). */
interface Ctx {
  enc: Encoding;
  chars: number;
  sampleAbove: number;
}

function count(ctx: Ctx, text: string): number {
  ctx.chars += text.length;
  return countTokensBounded(text, ctx.enc, ctx.sampleAbove);
}

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const posInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;

/** Known roles are one token each; skip the tokenizer for them. */
function roleTokens(role: unknown, ctx: Ctx): number {
  if (typeof role === 'string') ctx.chars += role.length;
  if (role === 'user' || role === 'assistant' || role === 'system' || role === 'developer' || role === 'tool')
    return 1;
  return typeof role === 'string' ? countTokensCached(role, ctx.enc) : 0;
}

function detailOf(v: unknown): ImageDetail {
  return v === 'low' || v === 'high' ? v : 'auto';
}

/** Text, image and other content parts of chat and responses messages. */
function contentTokens(content: unknown, ctx: Ctx): number {
  if (typeof content === 'string') return count(ctx, content);
  if (!Array.isArray(content)) return content == null ? 0 : count(ctx, JSON.stringify(content));
  let n = 0;
  for (const part of content) {
    if (typeof part === 'string') {
      n += count(ctx, part);
      continue;
    }
    if (!isObj(part)) continue;
    const text = str(part['text']) ?? str(part['refusal']);
    if (text !== undefined) {
      n += count(ctx, text);
    } else if (part['type'] === 'image_url' || part['type'] === 'input_image') {
      const img = isObj(part['image_url']) ? part['image_url'] : part;
      n += imageTokens(posInt(img['width']), posInt(img['height']), detailOf(img['detail']));
    } else if (part['type'] === 'input_file' || part['type'] === 'file') {
      // File contents are resolved upstream; reserve as for one image-sized attachment.
      n += DEFAULT_IMAGE_TOKENS;
    } else {
      n += count(ctx, JSON.stringify(part));
    }
  }
  return n;
}

/** Tool / function definitions: the JSON of each definition plus fixed overheads. */
function toolsTokens(tools: unknown, ctx: Ctx): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  let n = TOOLS_BLOCK;
  for (const t of tools) n += TOKENS_PER_FUNCTION + count(ctx, JSON.stringify(t));
  return n;
}

function chatInput(body: Json, ctx: Ctx): number {
  let n = REPLY_PRIMING;
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (!isObj(m)) continue;
      n += TOKENS_PER_MESSAGE + roleTokens(m['role'], ctx) + contentTokens(m['content'], ctx);
      const name = str(m['name']);
      if (name !== undefined) n += TOKENS_PER_NAME + count(ctx, name);
      if (m['tool_calls'] !== undefined) n += count(ctx, JSON.stringify(m['tool_calls']));
      const callId = str(m['tool_call_id']);
      if (callId !== undefined) n += count(ctx, callId);
    }
  }
  return n + toolsTokens(body['tools'] ?? body['functions'], ctx);
}

function responsesItem(item: unknown, ctx: Ctx): number {
  if (typeof item === 'string') return TOKENS_PER_MESSAGE + count(ctx, item);
  if (!isObj(item)) return 0;
  const type = item['type'];
  if (type === undefined || type === 'message')
    return TOKENS_PER_MESSAGE + roleTokens(item['role'], ctx) + contentTokens(item['content'], ctx);
  if (type === 'function_call_output' || type === 'custom_tool_call_output')
    return TOKENS_PER_MESSAGE + contentTokens(item['output'], ctx);
  if (type === 'function_call')
    return TOKENS_PER_MESSAGE + count(ctx, `${str(item['name']) ?? ''}${str(item['arguments']) ?? ''}`);
  if (type === 'item_reference') return 0; // resolved upstream; unknown size
  return TOKENS_PER_MESSAGE + count(ctx, JSON.stringify(item));
}

function responsesInput(body: Json, ctx: Ctx): number {
  let n = REPLY_PRIMING;
  const instructions = str(body['instructions']);
  if (instructions !== undefined) n += TOKENS_PER_MESSAGE + 1 + count(ctx, instructions);
  const input = body['input'];
  if (typeof input === 'string') n += TOKENS_PER_MESSAGE + 1 + count(ctx, input);
  else if (Array.isArray(input)) for (const item of input) n += responsesItem(item, ctx);
  return n + toolsTokens(body['tools'], ctx);
}

function embeddingsInput(body: Json, ctx: Ctx): number {
  const input = body['input'];
  if (typeof input === 'string') return count(ctx, input);
  if (!Array.isArray(input)) return 0;
  let n = 0;
  for (const v of input) {
    if (typeof v === 'string') n += count(ctx, v);
    else if (typeof v === 'number')
      n += 1; // one token array
    else if (Array.isArray(v)) n += v.length;
  }
  return n;
}

function defaultOutput(model: ModelInfo, body: Json, opts: EstimateOptions): number {
  const d = opts.defaultMaxOutput;
  let out: number | undefined;
  if (typeof d === 'number') out = d;
  else if (d !== undefined) out = d[str(body['model']) ?? ''] ?? d[model.id];
  out ??= FALLBACK_MAX_OUTPUT;
  return model.maxOutput > 0 ? Math.min(out, model.maxOutput) : out;
}

export function estimate(
  route: Route,
  body: unknown,
  model: ModelInfo,
  opts: EstimateOptions = {},
): Estimate {
  const b: Json = isObj(body) ? body : {};
  const ctx: Ctx = {
    enc: model.encoding,
    chars: 0,
    sampleAbove: opts.sampleAboveChars ?? DEFAULT_SAMPLE_ABOVE_CHARS,
  };
  const floor = (bpe: number): number =>
    opts.charFloor === false ? bpe : Math.max(bpe, Math.ceil(ctx.chars / 4));
  if (route === 'embeddings') {
    const input = floor(embeddingsInput(b, ctx));
    return { input, output: 0, total: input };
  }
  const input = floor(route === 'chat' ? chatInput(b, ctx) : responsesInput(b, ctx));
  const cap =
    route === 'chat'
      ? (posInt(b['max_completion_tokens']) ?? posInt(b['max_tokens']))
      : posInt(b['max_output_tokens']);
  const n = route === 'chat' ? Math.max(1, posInt(b['n']) ?? 1) : 1;
  const output = (cap ?? defaultOutput(model, b, opts)) * n;
  return { input, output, total: input + output };
}
