/** Token estimate of a request through the core estimator (input + requested or default output). */
import type { ModelInfo } from '../core/models.js';
import { estimate } from '../core/tokens/estimate.js';
import type { Estimate } from '../core/tokens/estimate.js';
import type { InferenceRoute } from './validate.js';

export type { Estimate } from '../core/tokens/estimate.js';

export function estimateRequest(
  route: InferenceRoute,
  body: Record<string, unknown>,
  model: ModelInfo,
  defaultMaxOutput: number,
): Estimate {
  return estimate(route, body, model, { defaultMaxOutput });
}
