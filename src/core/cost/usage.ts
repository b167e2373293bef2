/**
 * Reads the `usage` object of any OpenAI response family into the shape costOf prices:
 * Chat (`prompt_tokens`, `*_tokens_details`), Responses (`input_tokens`, `*_tokens_details`),
 * Realtime (`input_token_details` without the "s", with a text/audio/image split) and
 * Embeddings (`prompt_tokens` only).
 */
import type { ModalityTokens, UsageForCost } from './cost.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' ? (v as Json) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export type ParsedUsage = Omit<UsageForCost, 'model' | 'batch'>;

/** Undefined when `usage` carries no token counts at all. */
export function parseUsage(usage: unknown): ParsedUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const inputTokens = num(u.input_tokens) ?? num(u.prompt_tokens);
  const outputTokens = num(u.output_tokens) ?? num(u.completion_tokens) ?? 0;
  if (inputTokens === undefined) return undefined;
  const inDetails = obj(u.input_tokens_details) ?? obj(u.prompt_tokens_details) ?? obj(u.input_token_details);
  const outDetails =
    obj(u.output_tokens_details) ?? obj(u.completion_tokens_details) ?? obj(u.output_token_details);
  const parsed: ParsedUsage = { inputTokens, outputTokens, cachedTokens: num(inDetails?.cached_tokens) ?? 0 };
  const reasoning = num(outDetails?.reasoning_tokens);
  if (reasoning !== undefined) parsed.reasoningTokens = reasoning;
  const modalities = readModalities(u);
  if (modalities) parsed.modalities = modalities;
  return parsed;
}

/** Only the realtime shape has `input_token_details.text_tokens` and `output_token_details`. */
function readModalities(u: Json): ModalityTokens | undefined {
  const inD = obj(u.input_token_details);
  const outD = obj(u.output_token_details);
  if (!inD || !outD) return undefined;
  const cachedD = obj(inD.cached_tokens_details);
  return {
    textIn: num(inD.text_tokens) ?? 0,
    textCached: num(cachedD?.text_tokens) ?? 0,
    audioIn: num(inD.audio_tokens) ?? 0,
    audioCached: num(cachedD?.audio_tokens) ?? 0,
    imageIn: num(inD.image_tokens) ?? 0,
    imageCached: num(cachedD?.image_tokens) ?? 0,
    textOut: num(outD.text_tokens) ?? 0,
    audioOut: num(outD.audio_tokens) ?? 0,
  };
}
