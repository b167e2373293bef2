import { poolOf, DEFAULT_VISION_RULE, type ModelInfo } from '../models.js';
import { contentTokens } from './content.js';
import { SAMPLE_MARGIN } from './count-cache.js';
import { count, isObj, roleTokens, str, type Ctx, type Json } from './count-context.js';
import { responseFormatTokens, textFormatTokens, toolsTokens } from './definitions.js';
import { jsonText } from './json-text.js';

export { reconcile, usageTotal } from './usage.js';
export { TOKENS_PER_FUNCTION, TOOLS_BLOCK, RESPONSE_FORMAT_FRAME } from './definitions.js';

/**
 * What a request will cost against TPM before it is sent: the input counted with the model's
 * real BPE encoding plus the requested output cap (times `n`), as OpenAI admits requests.
 */
export type Route = 'chat' | 'responses' | 'embeddings';

/**
 * Output reserved when a request names no cap: one number, or a map from a model id, a family
 * (the alias a dated snapshot resolves to) or a pool name to a number, with `default` as the
 * fallback. Looked up in that order; FALLBACK_MAX_OUTPUT when nothing matches.
 */
export type OutputDefaults = number | Readonly<Record<string, number>>;

export interface EstimateOptions {
  defaultMaxOutput?: OutputDefaults;
  /**
   * OpenAI admits on an estimate "based on the character count" (ceil(chars / 4)), not on BPE:
   * reserve the larger of the two so the pacer never charges less than the upstream (default true).
   */
  charFloor?: boolean;
  /**
   * Texts longer than this many characters are counted on evenly spaced samples, which bounds
   * the cost of huge prompts (default 32 768; Infinity = always exact).
   */
  sampleAboveChars?: number;
  /**
   * Tokens of a stored response or conversation (see core/tokens/history.ts): a Responses
   * request with `previous_response_id` or `conversation` is billed for that history as input.
   */
  history?: (id: string) => number | undefined;
  /**
   * History reserved for an id the lookup does not know (default 0: see
   * docs/decisions/007-token-estimation.md; the real usage settles the difference).
   */
  unknownHistoryTokens?: number;
}

export const DEFAULT_SAMPLE_ABOVE_CHARS = 32_768;

export interface Estimate {
  /**
   * BPE tokens of the request's own input (framing, text, images, audio, schemas): what the
   * model reads from this body, and what a context-window check compares.
   */
  input: number;
  /**
   * Input reserved against TPM: `input` raised to OpenAI's character estimate and the sampling
   * margin, plus `history`.
   */
  reservedInput: number;
  /** Tokens of stored history (previous_response_id / conversation) in `reservedInput`. */
  history: number;
  output: number;
  /** reservedInput + output: the reservation. */
  total: number;
}

/** Chat framing (OpenAI cookbook / gpt-tokenizer): 3 per message, +1 for a name, 3 to prime the reply. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING = 3;
export const FALLBACK_MAX_OUTPUT = 1024;

const posInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;

function chatInput(body: Json, ctx: Ctx): number {
  let n = REPLY_PRIMING;
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (let i = 0; i < messages.length; i++) {
      const m: unknown = messages[i];
      if (!isObj(m)) continue;
      n +=
        TOKENS_PER_MESSAGE +
        roleTokens(m['role'], ctx) +
        contentTokens(m['content'], ctx, 'messages[#].content', i);
      const name = str(m['name']);
      if (name !== undefined) n += TOKENS_PER_NAME + count(ctx, name);
      if (m['tool_calls'] !== undefined)
        n += count(ctx, jsonText(m['tool_calls'], 'messages[#].tool_calls', i));
      const callId = str(m['tool_call_id']);
      if (callId !== undefined) n += count(ctx, callId);
    }
  }
  return n + toolsTokens(body['tools'] ?? body['functions'], ctx) + responseFormatTokens(body, ctx);
}

function responsesItem(item: unknown, ctx: Ctx, i: number): number {
  if (typeof item === 'string') return TOKENS_PER_MESSAGE + count(ctx, item);
  if (!isObj(item)) return 0;
  const type = item['type'];
  if (type === undefined || type === 'message')
    return (
      TOKENS_PER_MESSAGE +
      roleTokens(item['role'], ctx) +
      contentTokens(item['content'], ctx, 'input[#].content', i)
    );
  if (type === 'function_call_output' || type === 'custom_tool_call_output')
    return TOKENS_PER_MESSAGE + contentTokens(item['output'], ctx, 'input[#].output', i);
  if (type === 'function_call')
    return TOKENS_PER_MESSAGE + count(ctx, `${str(item['name']) ?? ''}${str(item['arguments']) ?? ''}`);
  if (type === 'item_reference') return 0; // resolved upstream; unknown size
  return TOKENS_PER_MESSAGE + count(ctx, jsonText(item, 'input[#]', i));
}

function responsesInput(body: Json, ctx: Ctx): number {
  let n = REPLY_PRIMING;
  const instructions = str(body['instructions']);
  if (instructions !== undefined) n += TOKENS_PER_MESSAGE + 1 + count(ctx, instructions);
  const input = body['input'];
  if (typeof input === 'string') n += TOKENS_PER_MESSAGE + 1 + count(ctx, input);
  else if (Array.isArray(input)) for (let i = 0; i < input.length; i++) n += responsesItem(input[i], ctx, i);
  return n + toolsTokens(body['tools'], ctx) + textFormatTokens(body, ctx);
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

/**
 * The stored history a Responses follow-up is billed for. `previous_response_id` and
 * `conversation` (an id, or `{id}`) cannot be combined upstream; if both come, the larger counts.
 */
function historyTokens(body: Json, opts: EstimateOptions): number {
  const prev = str(body['previous_response_id']);
  const conv = body['conversation'];
  const convId = str(conv) ?? (isObj(conv) ? str(conv['id']) : undefined);
  if (prev === undefined && convId === undefined) return 0;
  const unknown = posInt(opts.unknownHistoryTokens) ?? 0;
  const of = (id: string | undefined): number => (id === undefined ? 0 : (opts.history?.(id) ?? unknown));
  return Math.max(of(prev), of(convId));
}

function own(map: Readonly<Record<string, number>>, key: string): number | undefined {
  // Object.hasOwn: a model named "constructor" must not read Object.prototype.
  return key !== '' && Object.hasOwn(map, key) ? map[key] : undefined;
}

function defaultOutput(model: ModelInfo, body: Json, opts: EstimateOptions): number {
  const d = opts.defaultMaxOutput;
  let out: number | undefined;
  if (typeof d === 'number') out = d;
  else if (d !== undefined)
    out = own(d, str(body['model']) ?? '') ?? own(d, model.id) ?? own(d, poolOf(model)) ?? own(d, 'default');
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
    vision: model.vision ?? DEFAULT_VISION_RULE,
    sampleAbove: opts.sampleAboveChars ?? DEFAULT_SAMPLE_ABOVE_CHARS,
    chars: 0,
    sampled: 0,
  };
  const input =
    route === 'embeddings'
      ? embeddingsInput(b, ctx)
      : route === 'chat'
        ? chatInput(b, ctx)
        : responsesInput(b, ctx);
  const history = route === 'responses' ? historyTokens(b, opts) : 0;
  let reserved = input + Math.ceil(ctx.sampled * SAMPLE_MARGIN);
  if (opts.charFloor !== false) reserved = Math.max(reserved, Math.ceil(ctx.chars / 4));
  const reservedInput = reserved + history;
  if (route === 'embeddings') return { input, reservedInput, history, output: 0, total: reservedInput };
  const cap =
    route === 'chat'
      ? (posInt(b['max_completion_tokens']) ?? posInt(b['max_tokens']))
      : posInt(b['max_output_tokens']);
  const n = route === 'chat' ? Math.max(1, posInt(b['n']) ?? 1) : 1;
  const output = (cap ?? defaultOutput(model, b, opts)) * n;
  return { input, reservedInput, history, output, total: reservedInput + output };
}
