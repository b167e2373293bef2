import {
  countTokens as countO200k,
  encode as encodeO200k,
  decode as decodeO200k,
} from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import type { Encoding } from '../models.js';

/** Exact BPE token count of a text under an encoding. */
export function countTokens(text: string, encoding: Encoding = 'o200k_base'): number {
  if (text.length === 0) return 0;
  return encoding === 'cl100k_base' ? countCl100k(text) : countO200k(text);
}

/** o200k token ids, for the simulator's text generator and truncation. */
export function encodeTokens(text: string): number[] {
  return encodeO200k(text);
}

export function decodeTokens(tokens: readonly number[]): string {
  return decodeO200k(tokens as number[]);
}
