import type { Encoding } from '../models.js';
import { countTokens } from './tokenizer.js';

/**
 * Token counts of recently seen strings. Chat clients resend the whole conversation (and the
 * same system prompt) on every turn, so most of a request's text was counted before; a Map
 * lookup costs far less than BPE. Two generations approximate LRU without the cost of
 * delete+set on every hit: new entries go to `young`; when it is full it becomes `old`; a hit in
 * `old` is promoted. Bounded by entries and characters per generation.
 */
const MAX_ENTRIES = 2048;
const MAX_CHARS = 4_000_000;
const MIN_CHARS = 16;

interface Gen {
  young: Map<string, number>;
  old: Map<string, number>;
  chars: number;
}

const caches: Record<Encoding, Gen> = {
  o200k_base: { young: new Map(), old: new Map(), chars: 0 },
  cl100k_base: { young: new Map(), old: new Map(), chars: 0 },
};

function lookup(g: Gen, text: string): number | undefined {
  const y = g.young.get(text);
  if (y !== undefined) return y;
  const o = g.old.get(text);
  if (o !== undefined) remember(g, text, o);
  return o;
}

function remember(g: Gen, text: string, n: number): number {
  if (text.length > MAX_CHARS / 4) return n;
  if (g.young.size >= MAX_ENTRIES || g.chars + text.length > MAX_CHARS) {
    g.old = g.young;
    g.young = new Map();
    g.chars = 0;
  }
  g.young.set(text, n);
  g.chars += text.length;
  return n;
}

export function countTokensCached(text: string, encoding: Encoding): number {
  if (text.length < MIN_CHARS) return countTokens(text, encoding);
  const g = caches[encoding];
  return lookup(g, text) ?? remember(g, text, countTokens(text, encoding));
}

/** Characters tokenized per sample, and samples taken, when a text is too long to count exactly. */
const SAMPLE_CHARS = 2048;
const SAMPLES = 8;
/**
 * Safety margin a caller adds to a sampled count when it reserves: the extrapolation is
 * unbiased, but pacing must not under-reserve. Kept out of the count itself so a context-window
 * check is not failed by the margin.
 */
export const SAMPLE_MARGIN = 0.05;

/** True when countTokensBounded counts a text of this length on samples. */
export function isSampled(length: number, sampleAbove: number): boolean {
  return length > sampleAbove && length > SAMPLE_CHARS * SAMPLES;
}

/**
 * Exact (cached) below `sampleAbove` characters; above it, BPE on evenly spaced slices and
 * extrapolation by their tokens per character (no margin: see SAMPLE_MARGIN). Bounds the cost of
 * a huge prompt to about SAMPLES * SAMPLE_CHARS characters of BPE.
 */
export function countTokensBounded(text: string, encoding: Encoding, sampleAbove: number): number {
  if (!isSampled(text.length, sampleAbove)) return countTokensCached(text, encoding);
  const g = caches[encoding];
  const hit = lookup(g, text);
  if (hit !== undefined) return hit;
  let tokens = 0;
  let chars = 0;
  const step = Math.floor((text.length - SAMPLE_CHARS) / (SAMPLES - 1));
  for (let i = 0; i < SAMPLES; i++) {
    const part = text.slice(i * step, i * step + SAMPLE_CHARS);
    tokens += countTokens(part, encoding);
    chars += part.length;
  }
  return remember(g, text, Math.ceil((text.length * tokens) / chars));
}

/** Forgets every cached count (benchmarks and tests). */
export function clearTokenCountCache(): void {
  for (const g of Object.values(caches)) {
    g.young = new Map();
    g.old = new Map();
    g.chars = 0;
  }
}
