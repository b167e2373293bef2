import type { BatchLineError } from './batch-input.js';

export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

export interface BatchUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** The real Batch object (openai-api.md §5.2), including the newer `model` and `usage`. */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  model: string | null;
  errors: { object: 'list'; data: BatchLineError[] } | null;
  input_file_id: string;
  completion_window: '24h';
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  usage: BatchUsage;
  metadata: Record<string, string> | null;
}

export function createBatchObject(init: {
  id: string;
  endpoint: string;
  inputFileId: string;
  createdAt: number;
  metadata: Record<string, string> | null;
}): BatchObject {
  return {
    id: init.id,
    object: 'batch',
    endpoint: init.endpoint,
    model: null,
    errors: null,
    input_file_id: init.inputFileId,
    completion_window: '24h',
    status: 'validating',
    output_file_id: null,
    error_file_id: null,
    created_at: init.createdAt,
    in_progress_at: null,
    expires_at: init.createdAt + 24 * 3600,
    finalizing_at: null,
    completed_at: null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: { total: 0, completed: 0, failed: 0 },
    usage: {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    },
    metadata: init.metadata,
  };
}

/** Adds one response body's usage (chat, responses or embeddings spelling) to the batch total. */
export function addUsage(total: BatchUsage, body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const u = (body as { usage?: Record<string, unknown> }).usage;
  if (!u || typeof u !== 'object') return;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const input = num(u.input_tokens ?? u.prompt_tokens);
  const output = num(u.output_tokens ?? u.completion_tokens);
  const inDetails = (u.input_tokens_details ?? u.prompt_tokens_details) as
    Record<string, unknown> | undefined;
  const outDetails = (u.output_tokens_details ?? u.completion_tokens_details) as
    Record<string, unknown> | undefined;
  total.input_tokens += input;
  total.output_tokens += output;
  total.input_tokens_details.cached_tokens += num(inDetails?.cached_tokens);
  total.output_tokens_details.reasoning_tokens += num(outDetails?.reasoning_tokens);
  total.total_tokens += input + output;
}
