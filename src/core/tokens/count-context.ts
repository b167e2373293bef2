/**
 * The running state of one estimate: the model's encoding and image rule, and what the
 * reservation needs besides the BPE count (characters seen for the char floor, tokens that were
 * extrapolated from samples for the sampling margin).
 */
import type { Encoding, VisionRule } from '../models.js';
import { countTokensBounded, countTokensCached, isSampled } from './count-cache.js';

export interface Ctx {
  enc: Encoding;
  vision: VisionRule;
  sampleAbove: number;
  /** Characters of text counted (OpenAI's own admission estimate is ceil(chars / 4)). */
  chars: number;
  /** Tokens that came from sampled (extrapolated) counts. */
  sampled: number;
}

export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** BPE tokens of a text (sampled when very long), noting its characters. */
export function count(ctx: Ctx, text: string): number {
  ctx.chars += text.length;
  const n = countTokensBounded(text, ctx.enc, ctx.sampleAbove);
  if (isSampled(text.length, ctx.sampleAbove)) ctx.sampled += n;
  return n;
}

/** Known roles are one token each; skip the tokenizer for them. */
export function roleTokens(role: unknown, ctx: Ctx): number {
  if (typeof role === 'string') ctx.chars += role.length;
  if (role === 'user' || role === 'assistant' || role === 'system' || role === 'developer' || role === 'tool')
    return 1;
  return typeof role === 'string' ? countTokensCached(role, ctx.enc) : 0;
}
