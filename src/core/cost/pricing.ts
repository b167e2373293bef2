/**
 * Versioned OpenAI price tables (USD per 1M tokens), copied from openai-api.md §7. Each ledger
 * row stores the version it was priced with, so a later price change never rewrites history.
 */
import { findModel } from '../models.js';

/** USD per 1M tokens. `cachedInput: null` means the model has no cached-input discount. */
export interface Rates {
  input: number;
  cachedInput: number | null;
  output: number;
}

export interface ModelPrice {
  /** The alias (or, for a snapshot priced apart from its family, the dated snapshot). */
  model: string;
  /** Text (and, for non-realtime models, all) tokens. */
  text: Rates;
  /** Realtime audio tokens. */
  audio?: Rates;
  /** Realtime image input tokens (output is never an image). */
  image?: { input: number; cachedInput: number | null };
}

export interface PricingTable {
  /** Stored in every ledger row as `pricingVersion`. */
  version: string;
  /** ISO date (UTC) from which these prices apply. */
  effectiveFrom: string;
  effectiveFromMs: number;
  /** Batch API multiplier on every rate (batch = 50% of standard). */
  batchMultiplier: number;
  prices: ReadonlyMap<string, ModelPrice>;
  /** Names that are not dated snapshots but bill as another model (e.g. gpt-realtime-1.5). */
  aliases: ReadonlyMap<string, string>;
}

const r = (input: number, cachedInput: number | null, output: number): Rates => ({
  input,
  cachedInput,
  output,
});

/** The current table (openai-api.md §7; realtime rows checked 2026-07-22). */
const CURRENT_PRICES: readonly ModelPrice[] = [
  { model: 'gpt-4o', text: r(2.5, 1.25, 10) },
  { model: 'gpt-4o-mini', text: r(0.15, 0.075, 0.6) },
  { model: 'gpt-4.1', text: r(2, 0.5, 8) },
  { model: 'gpt-4.1-mini', text: r(0.4, 0.1, 1.6) },
  { model: 'gpt-4.1-nano', text: r(0.1, 0.025, 0.4) },
  { model: 'o3', text: r(2, 0.5, 8) },
  { model: 'o4-mini', text: r(1.1, 0.275, 4.4) },
  { model: 'o1-pro', text: r(150, null, 600) },
  { model: 'gpt-5', text: r(1.25, 0.125, 10) },
  { model: 'gpt-5-mini', text: r(0.25, 0.025, 2) },
  { model: 'gpt-5-nano', text: r(0.05, 0.005, 0.4) },
  { model: 'text-embedding-3-small', text: r(0.02, null, 0) },
  { model: 'text-embedding-3-large', text: r(0.13, null, 0) },
  { model: 'text-embedding-ada-002', text: r(0.1, null, 0) },
  {
    model: 'gpt-realtime',
    text: r(4, 0.4, 16),
    audio: r(32, 0.4, 64),
    image: { input: 5, cachedInput: 0.5 },
  },
  {
    model: 'gpt-realtime-mini',
    text: r(0.6, 0.06, 2.4),
    audio: r(10, 0.3, 20),
    image: { input: 0.8, cachedInput: 0.08 },
  },
  { model: 'gpt-4o-realtime-preview', text: r(5, 2.5, 20), audio: r(40, 2.5, 80) },
  { model: 'gpt-4o-mini-realtime-preview', text: r(0.6, 0.3, 2.4), audio: r(10, 0.3, 20) },
  // The oldest preview snapshot billed audio at 100 / 20 / 200 (§7 note).
  { model: 'gpt-4o-realtime-preview-2024-10-01', text: r(5, 2.5, 20), audio: r(100, 20, 200) },
];

const CURRENT_ALIASES: ReadonlyArray<[string, string]> = [['gpt-realtime-1.5', 'gpt-realtime']];

function buildTable(
  version: string,
  effectiveFrom: string,
  prices: readonly ModelPrice[],
  aliases = CURRENT_ALIASES,
): PricingTable {
  return Object.freeze({
    version,
    effectiveFrom,
    effectiveFromMs: Date.parse(`${effectiveFrom}T00:00:00Z`),
    batchMultiplier: 0.5,
    prices: new Map(prices.map((p) => [p.model, p])),
    aliases: new Map(aliases),
  });
}

/** Prices since the o3 cut of 2025-06-10, the latest change in §7. */
export const CURRENT_PRICING: PricingTable = buildTable('openai-2026-07-22', '2025-06-10', CURRENT_PRICES);

/** Before 2025-06-10 o3 cost 10 / 0.5 / 40 (§7); everything else as today. */
const PRE_O3_CUT: PricingTable = buildTable(
  'openai-2025-04-16',
  '2025-04-16',
  CURRENT_PRICES.map((p) => (p.model === 'o3' ? { model: 'o3', text: r(10, 0.5, 40) } : p)),
);

/** Oldest first. */
export const PRICING_HISTORY: readonly PricingTable[] = [PRE_O3_CUT, CURRENT_PRICING];

/** The table in force at `tsMs` (the oldest one for earlier times). */
export function pricingAt(tsMs: number): PricingTable {
  let found = PRICING_HISTORY[0] ?? CURRENT_PRICING;
  for (const t of PRICING_HISTORY) if (t.effectiveFromMs <= tsMs) found = t;
  return found;
}

export function findPricingVersion(version: string): PricingTable | undefined {
  return PRICING_HISTORY.find((t) => t.version === version);
}

/**
 * Price of a model name as the API reports it: exact entry, known alias, dated snapshot
 * ("gpt-4o-2024-11-20" -> gpt-4o), or whatever the model catalog resolves it to.
 * Deliberately no loose prefix match: "gpt-4o-mini-tts" must not bill as gpt-4o-mini.
 */
export function findPrice(model: string, table: PricingTable = CURRENT_PRICING): ModelPrice | undefined {
  // Hot path (once per request): remember answers, bounded so odd model names cannot grow it forever.
  let memo = MEMO.get(table);
  if (!memo) MEMO.set(table, (memo = new Map()));
  const hit = memo.get(model);
  if (hit !== undefined) return hit ?? undefined;
  const found = resolvePrice(model, table);
  if (memo.size < MEMO_LIMIT) memo.set(model, found ?? null);
  return found;
}

const MEMO = new WeakMap<PricingTable, Map<string, ModelPrice | null>>();
const MEMO_LIMIT = 1000;

function resolvePrice(model: string, table: PricingTable): ModelPrice | undefined {
  const exact = table.prices.get(model) ?? lookupAlias(model, table);
  if (exact) return exact;
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  if (undated !== model) {
    const byFamily = table.prices.get(undated) ?? lookupAlias(undated, table);
    if (byFamily) return byFamily;
  }
  const known = findModel(model);
  return known ? table.prices.get(known.id) : undefined;
}

function lookupAlias(model: string, table: PricingTable): ModelPrice | undefined {
  const target = table.aliases.get(model);
  return target === undefined ? undefined : table.prices.get(target);
}
