/**
 * What Pacer knows about OpenAI models: encoding, context window, max output, embedding
 * dimensions, and the Tier-1 limits the simulator defaults to (openai-api.md §1.5, §7).
 * Prices live in core/cost/pricing.ts.
 */
export type Encoding = 'o200k_base' | 'cl100k_base';
export type ModelKind = 'chat' | 'reasoning' | 'embedding' | 'realtime';

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
    tier1: { rpm: 500, tpm: 200_000, rpd: 10_000 },
  }),
  M({
    id: 'gpt-4o',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 128_000,
    maxOutput: 16_384,
    snapshot: 'gpt-4o-2024-08-06',
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'gpt-4.1',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 1_047_576,
    maxOutput: 32_768,
    snapshot: 'gpt-4.1-2025-04-14',
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
    tier1: { rpm: 500, tpm: 200_000, rpd: 10_000 },
  }),
  M({
    id: 'gpt-4.1-nano',
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: 1_047_576,
    maxOutput: 32_768,
    snapshot: 'gpt-4.1-nano-2025-04-14',
    tier1: { rpm: 500, tpm: 200_000, rpd: 10_000 },
  }),
  M({
    id: 'o3',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 200_000,
    maxOutput: 100_000,
    snapshot: 'o3-2025-04-16',
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'o4-mini',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 200_000,
    maxOutput: 100_000,
    snapshot: 'o4-mini-2025-04-16',
    tier1: { rpm: 1000, tpm: 100_000 },
  }),
  M({
    id: 'o1-pro',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 200_000,
    maxOutput: 100_000,
    snapshot: 'o1-pro-2025-03-19',
    tier1: { rpm: 500, tpm: 30_000 },
  }),
  M({
    id: 'gpt-5',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 400_000,
    maxOutput: 128_000,
    snapshot: 'gpt-5-2025-08-07',
    tier1: { rpm: 500, tpm: 500_000 },
  }),
  M({
    id: 'gpt-5-mini',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 400_000,
    maxOutput: 128_000,
    snapshot: 'gpt-5-mini-2025-08-07',
    tier1: { rpm: 500, tpm: 500_000 },
  }),
  M({
    id: 'gpt-5-nano',
    kind: 'reasoning',
    encoding: 'o200k_base',
    contextWindow: 400_000,
    maxOutput: 128_000,
    snapshot: 'gpt-5-nano-2025-08-07',
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
