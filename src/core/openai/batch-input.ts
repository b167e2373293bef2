/**
 * What a batch input file asks for, read line by line as it is uploaded (openai-api.md §5.2:
 * `{"custom_id","method","url","body":{"model",…}}` per line), so POST /v1/batches can check the
 * models against the tenant's plan without reading the file again.
 */
export interface BatchInputSummary {
  /** Distinct `body.model` values, sorted. */
  models: string[];
  /** Distinct `url` values (the endpoint each line targets), sorted. */
  endpoints: string[];
  /** Non-empty lines. */
  lines: number;
  /** Lines that are not a JSON object with a string `body.model` (the upstream refuses them). */
  invalidLines: number;
  /** Rough tokens: ceil(line bytes / 4) + the requested output cap, summed over the lines. */
  estimatedTokens: number;
  /** False when the scan stopped before the end (more distinct models than it keeps). */
  complete: boolean;
}

/** Past this many distinct models the summary stops listing them and says it is incomplete. */
export const MAX_SUMMARY_MODELS = 64;

export interface BatchInputScan {
  /** One line of the file (without its line end); `bytes` is its length in bytes. */
  line(text: string, bytes: number): void;
  summary(): BatchInputSummary;
}

export function createBatchInputScan(): BatchInputScan {
  const models = new Set<string>();
  const endpoints = new Set<string>();
  let lines = 0;
  let invalidLines = 0;
  let estimatedTokens = 0;
  let complete = true;
  return {
    line(text, bytes) {
      const trimmed = text.trim();
      if (trimmed === '') return;
      lines++;
      const value = parseObject(trimmed);
      const body = value ? value['body'] : undefined;
      const model = isObject(body) ? body['model'] : undefined;
      if (!value || !isObject(body) || typeof model !== 'string') {
        invalidLines++;
        return;
      }
      if (typeof value['url'] === 'string') endpoints.add(value['url']);
      if (!models.has(model)) {
        if (models.size >= MAX_SUMMARY_MODELS) complete = false;
        else models.add(model);
      }
      estimatedTokens += Math.ceil(bytes / 4) + requestedOutput(body);
    },
    summary: () => ({
      models: [...models].sort(),
      endpoints: [...endpoints].sort(),
      lines,
      invalidLines,
      estimatedTokens,
      complete,
    }),
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text[0] !== '{') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The output cap a request body asks for, by any of the APIs' names for it (0 when none). */
function requestedOutput(body: Record<string, unknown>): number {
  for (const k of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const v = body[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v);
  }
  return 0;
}
