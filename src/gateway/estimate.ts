/**
 * Token estimate of a request through the core estimator (input + requested or default output),
 * and the one process-wide record of stored responses' sizes that Responses follow-ups
 * (`previous_response_id`, `conversation`) are estimated from. Response ids are globally unique,
 * so the gateway's routes and in-process pacers share it.
 */
import type { ModelInfo } from '../core/models.js';
import type { Usage } from '../core/openai/usage.js';
import { estimate, type EstimateOptions, type OutputDefaults } from '../core/tokens/estimate.js';
import type { Estimate } from '../core/tokens/estimate.js';
import { createResponseHistory } from '../core/tokens/history.js';
import type { InferenceRoute } from './validate.js';

export type { Estimate } from '../core/tokens/estimate.js';

/** ~10 000 ids x ~100 bytes: about 1 MB at most. */
const history = createResponseHistory();
const lookup = (id: string): number | undefined => history.lookup(id);

// One options object per distinct defaults value (the config's is frozen and never changes):
// no allocation per request.
let lastDefaults: OutputDefaults | undefined;
let lastOptions: EstimateOptions = { history: lookup };

export function estimateRequest(
  route: InferenceRoute,
  body: Record<string, unknown>,
  model: ModelInfo,
  defaultMaxOutput: OutputDefaults,
): Estimate {
  if (defaultMaxOutput !== lastDefaults) {
    lastDefaults = defaultMaxOutput;
    lastOptions = { defaultMaxOutput, history: lookup };
  }
  return estimate(route, body, model, lastOptions);
}

/**
 * After an answer: remember its size under its response id (and under the conversation the
 * request named), so the next turn reserves the history it will be billed for. A no-op without
 * usage or id (chat, embeddings, a stream cut before its last event).
 */
export function rememberResponse(body: Record<string, unknown>, usage: Usage | null): void {
  if (!usage) return;
  if (usage.responseId !== undefined) history.remember(usage.responseId, usage.total);
  // Only the Responses API takes `conversation`; after this turn it holds this turn's input
  // (which included the earlier items) and its output.
  const conv = body['conversation'];
  const convId = typeof conv === 'string' ? conv : isRecord(conv) ? conv['id'] : undefined;
  if (typeof convId === 'string') history.remember(convId, usage.total);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Forgets every remembered response (tests). */
export function forgetResponses(): void {
  history.clear();
}
