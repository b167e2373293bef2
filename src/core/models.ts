/**
 * What Pacer knows about OpenAI models: encoding, context window, max output, embedding
 * dimensions, how images are billed, and the Tier-1 limits the simulator defaults to
 * (openai-api.md §1.5, §7). Prices live in core/cost/pricing.ts.
 */
export type Encoding = 'o200k_base' | 'cl100k_base';
export type ModelKind = 'chat' | 'reasoning' | 'embedding' | 'realtime';

/**
 * How a model bills an input image, from OpenAI's vision guide, "Calculating costs"
 * (https://platform.openai.com/docs/guides/images-vision#calculating-costs):
 * - `tiles`: `detail: low` costs `base`; otherwise the image is fitted into 2048x2048, its
 *   shortest side scaled down to 768, and it costs `base + tile` per 512 px tile.
 * - `patches`: ceil(w/32) x ceil(h/32) patches of 32 px, scaled down to at most 1536, times a
 *   per-model multiplier; `detail` does not change the cost.
 */
export type VisionRule =
  { kind: 'tiles'; base: number; tile: number } | { kind: 'patches'; multiplier: number };

/** The guide's tile parameters per family ("4o, 4.1, 4.5": 85/170; "4o-mini": 2833/5667; ...). */
const TILES_4O: VisionRule = { kind: 'tiles', base: 85, tile: 170 };
const TILES_4O_MINI: VisionRule = { kind: 'tiles', base: 2833, tile: 5667 };
const TILES_O_SERIES: VisionRule = { kind: 'tiles', base: 75, tile: 150 }; // o1, o1-pro, o3
const TILES_GPT_5: VisionRule = { kind: 'tiles', base: 70, tile: 140 }; // gpt-5, gpt-5-chat-latest
/**
 * The guide's patch multipliers. Forum measurements (2025-2026) bill gpt-5-mini at 1.2 and
 * gpt-5-nano at 1.5, below the documented 1.62 / 2.46: the documented (higher) value is kept,
 * since an estimate must not under-reserve; settling on the real usage returns the difference.
 */
const patches = (multiplier: number): VisionRule => ({ kind: 'patches', multiplier });

/** Models without a rule of their own (unknown ids, realtime) use the 4o tile rule. */
export const DEFAULT_VISION_RULE: VisionRule = TILES_4O;

export interface ModelInfo {
  id: string;
  kind: ModelKind;
  encoding: Encoding;
  contextWindow: number;
  maxOutput: number;
  /** Embedding vector length (embedding models only). */
  dimensions?: number;
  /** The dated snapshot the alias resolves to, as the API reports it in `model`. */
  snapshot: string;
  /** Models that share a rate-limit pool name it here; defaults to the id. */
  pool?: string;
  /** How input images are billed; DEFAULT_VISION_RULE when absent. */
  vision?: VisionRule;
  tier1: { rpm: number; tpm: number; rpd?: number };
}

const M = (info: ModelInfo): ModelInfo => info;

export const MODELS: readonly ModelInfo[] = [
  M({
    id: 'gpt-4o-mini',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 128_000,
    maxOutput: 16_384,
    snapshot: 'gpt-4o-mini-2024-07-18',
    vision: TILES_4O_MINI,
    tier1: { rpm: 500, tpm: 200_000, rpd: 10_000 },
  }),
  M({
    id: 'gpt-4o',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 128_000,
    maxOutput: 16_384,
    snapshot: 'gpt-4o-2024-08-06',
    vision: TILES_4O,
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'gpt-4.1',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 1_047_576,
    maxOutput: 32_768,
    snapshot: 'gpt-4.1-2025-04-14',
    vision: TILES_4O,
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'gpt-4.1-mini',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 1_047_576,
    maxOutput: 32_768,
    snapshot: 'gpt-4.1-mini-2025-04-14',
    pool: 'gpt-4.1-mini',
    vision: patches(1.62),
    tier1: { rpm: 500, tpm: 200_000, rpd: 10_000 },
  }),
  M({
    id: 'gpt-4.1-nano',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 1_047_576,
    maxOutput: 32_768,
    snapshot: 'gpt-4.1-nano-2025-04-14',
    vision: patches(2.46),
    tier1: { rpm: 500, tpm: 200_000, rpd: 10_000 },
  }),
  M({
    id: 'o3',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 200_000,
    maxOutput: 100_000,
    snapshot: 'o3-2025-04-16',
    vision: TILES_O_SERIES,
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'o4-mini',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 200_000,
    maxOutput: 100_000,
    snapshot: 'o4-mini-2025-04-16',
    vision: patches(1.72),
    tier1: { rpm: 1000, tpm: 100_000 },
  }),
  M({
    id: 'o1-pro',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 200_000,
    maxOutput: 100_000,
    snapshot: 'o1-pro-2025-03-19',
    vision: TILES_O_SERIES,
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'gpt-5',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 400_000,
    maxOutput: 128_000,
    snapshot: 'gpt-5-2025-08-07',
    vision: TILES_GPT_5,
    tier1: { rpm: 500, tpm: 500_000 },
  }),
  M({
    id: 'gpt-5-mini',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 400_000,
    maxOutput: 128_000,
    snapshot: 'gpt-5-mini-2025-08-07',
    vision: patches(1.62),
    tier1: { rpm: 500, tpm: 500_000 },
  }),
  M({
    id: 'gpt-5-nano',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 400_000,
    maxOutput: 128_000,
    snapshot: 'gpt-5-nano-2025-08-07',
    vision: patches(2.46),
    tier1: { rpm: 500, tpm: 200_000 },
  }),
  M({
    id: 'text-embedding-3-small',
    kind: 'embedding',
    encoding: 'cl100k_base',
    contextWindow: 8192,
    maxOutput: 0,
    dimensions: 1536,
    snapshot: 'text-embedding-3-small',
    tier1: { rpm: 3000, tpm: 1_000_000 },
  }),
  M({
    id: 'text-embedding-3-large',
    kind: 'embedding',
    encoding: 'cl100k_base',
    contextWindow: 8192,
    maxOutput: 0,
    dimensions: 3072,
    snapshot: 'text-embedding-3-large',
    tier1: { rpm: 3000, tpm: 1_000_000 },
  }),
  M({
    id: 'text-embedding-ada-002',
    kind: 'embedding',
    encoding: 'cl100k_base',
    contextWindow: 8192,
    maxOutput: 0,
    dimensions: 1536,
    snapshot: 'text-embedding-ada-002',
    tier1: { rpm: 3000, tpm: 1_000_000 },
  }),
  M({
    id: 'gpt-realtime',
    kind: 'realtime',
    encoding: 'o200k_base',
    contextWindow: 32_000,
    maxOutput: 4096,
    snapshot: 'gpt-realtime-2025-08-28',
    pool: 'realtime',
    tier1: { rpm: 200, tpm: 40_000, rpd: 1000 },
  }),
  M({
    id: 'gpt-realtime-mini',
    kind: 'realtime',
    encoding: 'o200k_base',
    contextWindow: 32_000,
    maxOutput: 4096,
    snapshot: 'gpt-realtime-mini-2025-10-06',
    pool: 'realtime',
    tier1: { rpm: 200, tpm: 40_000, rpd: 1000 },
  }),
  M({
    id: 'gpt-4o-realtime-preview',
    kind: 'realtime',
    encoding: 'o200k_base',
    contextWindow: 32_000,
    maxOutput: 4096,
    snapshot: 'gpt-4o-realtime-preview-2025-06-03',
    pool: 'realtime',
    tier1: { rpm: 200, tpm: 40_000, rpd: 1000 },
  }),
  M({
    id: 'gpt-4o-mini-realtime-preview',
    kind: 'realtime',
    encoding: 'o200k_base',
    contextWindow: 16_000,
    maxOutput: 4096,
    snapshot: 'gpt-4o-mini-realtime-preview-2024-12-17',
    pool: 'realtime',
    tier1: { rpm: 200, tpm: 40_000, rpd: 1000 },
  }),
];

const BY_ID = new Map<string, ModelInfo>();
for (const m of MODELS) {
  BY_ID.set(m.id, m);
  BY_ID.set(m.snapshot, m);
}

/** Resolves an alias or a dated snapshot ("gpt-4o-2024-11-20") to its family. */
export function findModel(id: string): ModelInfo | undefined {
  const exact = BY_ID.get(id);
  if (exact) return exact;
  const undated = id.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return undated === id ? undefined : BY_ID.get(undated);
}

export function poolOf(model: ModelInfo): string {
  return model.pool ?? model.id;
}
