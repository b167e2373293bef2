/** The dollar cost of one usage record, priced from a versioned table. Pure. */
import { CURRENT_PRICING, findPrice, type PricingTable, type Rates } from './pricing.js';

/** Realtime usage split by modality (realtime `input_token_details` / `output_token_details`). */
export interface ModalityTokens {
  /** Text input tokens, cached ones included. */
  textIn: number;
  textCached?: number;
  audioIn: number;
  audioCached?: number;
  imageIn?: number;
  imageCached?: number;
  textOut: number;
  audioOut: number;
}

export interface UsageForCost {
  model: string;
  /** All input tokens, cached ones included (as OpenAI reports `input_tokens`/`prompt_tokens`). */
  inputTokens: number;
  /** The part of inputTokens served from the prompt cache. */
  cachedTokens?: number;
  /** All output tokens, reasoning included (as OpenAI reports them). */
  outputTokens: number;
  /** Informational: already inside outputTokens, never billed twice. */
  reasoningTokens?: number;
  /** Batch API: every rate at the table's batch multiplier (50%). */
  batch?: boolean;
  /** When given (realtime), text, audio and image are priced at their own rates. */
  modalities?: ModalityTokens;
}

export interface Cost {
  usd: number;
  /** False when the model has no price: usd is 0 and the caller should flag it. */
  known: boolean;
  pricingVersion: string;
}

const PER_TOKEN = 1 / 1_000_000;

/** Cached tokens at the cached rate (or the input rate when the model has no discount), the rest at input. */
function inputCost(
  rates: { input: number; cachedInput: number | null },
  total: number,
  cached: number,
): number {
  const c = Math.min(Math.max(cached, 0), Math.max(total, 0));
  const uncached = Math.max(total, 0) - c;
  return uncached * rates.input + c * (rates.cachedInput ?? rates.input);
}

function outputCost(rates: Rates, tokens: number): number {
  return Math.max(tokens, 0) * rates.output;
}

export function costOf(usage: UsageForCost, table: PricingTable = CURRENT_PRICING): Cost {
  const price = findPrice(usage.model, table);
  if (!price) return { usd: 0, known: false, pricingVersion: table.version };
  let micro: number;
  const m = usage.modalities;
  if (m && price.audio) {
    // Realtime: each modality at its own rate; image falls back to text rates when unpriced.
    const image = price.image ?? price.text;
    micro =
      inputCost(price.text, m.textIn, m.textCached ?? 0) +
      inputCost(price.audio, m.audioIn, m.audioCached ?? 0) +
      inputCost(image, m.imageIn ?? 0, m.imageCached ?? 0) +
      outputCost(price.text, m.textOut) +
      outputCost(price.audio, m.audioOut);
  } else {
    micro =
      inputCost(price.text, usage.inputTokens, usage.cachedTokens ?? 0) +
      outputCost(price.text, usage.outputTokens);
  }
  const multiplier = usage.batch ? table.batchMultiplier : 1;
  return { usd: micro * PER_TOKEN * multiplier, known: true, pricingVersion: table.version };
}
