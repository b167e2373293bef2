import { findModel } from '../../core/models.js';
import { countTokens } from '../../core/tokens/tokenizer.js';
import { generatePieces, hashText } from '../text/generator.js';
import { contentText } from '../text/prompt.js';
import type { IdGenerator } from './ids.js';
import type { RunResult } from './batch-service.js';

/**
 * Bodies for batch lines in the real shapes of chat.completion, response and embeddings lists.
 * A stand-in until the HTTP generators expose a pure `generate(endpoint, body)`; deterministic
 * per seed and request body, never rate limited (batch has its own queue limit).
 */
export function createBatchBodyRunner(deps: { seed: number; now(): number; ids: IdGenerator }) {
  return async (endpoint: string, body: Record<string, unknown>): Promise<RunResult> => {
    const model = typeof body.model === 'string' ? findModel(body.model) : undefined;
    if (typeof body.model !== 'string')
      return fail(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    if (!model)
      return fail(
        404,
        `The model \`${body.model}\` does not exist or you do not have access to it.`,
        null,
        'model_not_found',
      );
    const created = Math.floor(deps.now() / 1000);
    const seed = hashText(deps.seed, JSON.stringify(body));
    if (endpoint === '/v1/embeddings') {
      if (model.kind !== 'embedding')
        return fail(400, `The model \`${body.model}\` is not an embedding model.`, 'model', 'invalid_value');
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      let tokens = 0;
      const data = inputs.map((input, index) => {
        const text = typeof input === 'string' ? input : JSON.stringify(input);
        tokens += countTokens(text, model.encoding);
        const dims = typeof body.dimensions === 'number' ? body.dimensions : (model.dimensions ?? 1536);
        const vec = unitVector(hashText(seed, String(index)), dims);
        const embedding =
          body.encoding_format === 'base64' ? Buffer.from(vec.buffer).toString('base64') : Array.from(vec);
        return { object: 'embedding', index, embedding };
      });
      return ok({
        object: 'list',
        data,
        model: model.snapshot,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    }
    if (model.kind === 'embedding')
      return fail(400, `The model \`${body.model}\` does not support ${endpoint}.`, 'model', 'invalid_value');
    const cap = firstNumber(body.max_completion_tokens, body.max_tokens, body.max_output_tokens);
    const wanted = 20 + (seed % 60);
    const count = cap === undefined ? wanted : Math.min(wanted, cap);
    const text = generatePieces(seed, count).join('');
    const outputTokens = count;
    const truncated = cap !== undefined && cap < wanted;
    if (endpoint === '/v1/chat/completions') {
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const promptTokens =
        3 +
        messages.reduce(
          (n: number, m: unknown) => n + 3 + countTokens(contentText((m as { content?: unknown })?.content)),
          0,
        );
      return ok({
        id: deps.ids.base62('chatcmpl-', 29),
        object: 'chat.completion',
        created,
        model: model.snapshot,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: truncated ? 'length' : 'stop',
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: outputTokens,
          total_tokens: promptTokens + outputTokens,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
        service_tier: 'default',
        system_fingerprint: 'fp_sim0batch',
      });
    }
    if (endpoint === '/v1/responses') {
      const inputTokens =
        countTokens(typeof body.input === 'string' ? body.input : JSON.stringify(body.input ?? '')) +
        countTokens(typeof body.instructions === 'string' ? body.instructions : '');
      return ok({
        id: deps.ids.hex('resp_', 48),
        object: 'response',
        created_at: created,
        status: truncated ? 'incomplete' : 'completed',
        error: null,
        incomplete_details: truncated ? { reason: 'max_output_tokens' } : null,
        instructions: body.instructions ?? null,
        max_output_tokens: body.max_output_tokens ?? null,
        model: model.snapshot,
        output: [
          {
            id: deps.ids.hex('msg_', 48),
            type: 'message',
            status: truncated ? 'incomplete' : 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
          },
        ],
        parallel_tool_calls: true,
        previous_response_id: null,
        store: true,
        temperature: 1.0,
        tool_choice: 'auto',
        tools: [],
        top_p: 1.0,
        truncation: 'disabled',
        usage: {
          input_tokens: inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: inputTokens + outputTokens,
        },
        user: null,
        metadata: {},
      });
    }
    return fail(404, `Invalid URL (POST ${endpoint})`, null, null);
  };
}

function ok(body: unknown): RunResult {
  return { status: 200, body };
}

function fail(status: number, message: string, param: string | null, code: string | null): RunResult {
  return { status, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

function firstNumber(...vals: unknown[]): number | undefined {
  for (const v of vals) if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  return undefined;
}

/** A deterministic unit vector (xorshift from the seed). */
function unitVector(seed: number, dims: number): Float32Array {
  const v = new Float32Array(dims);
  let x = seed >>> 0 || 1;
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const f = x / 4294967296 - 0.5;
    v[i] = f;
    norm += f * f;
  }
  const k = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i] = v[i]! * k;
  return v;
}
