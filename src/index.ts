/**
 * Pacer as a library. In-process pacing for the official SDK:
 *
 *   const pacer = createPacer({ pools: { 'gpt-4o-mini': { rpm: 500, tpm: 200_000, models: ['gpt-4o-mini'] } } });
 *   const openai = new OpenAI({ apiKey, fetch: pacer.fetch });
 *
 * and the gateway, for embedding it in a service of your own.
 */
export { createPacer } from './gateway/pacer-fetch.js';
export type { Pacer, PacerOptions } from './gateway/pacer-fetch.js';
export { startGateway, createGateway, loadConfig, ConfigError } from './gateway/index.js';
export type {
  RunningGateway,
  StartGatewayOptions,
  GatewayConfig,
  Gateway,
  GatewayDeps,
} from './gateway/index.js';
export type {
  PacingEngine,
  EngineOptions,
  Priority,
  PoolConfig,
  PoolLimits,
  PoolSnapshot,
} from './engine/types.js';
export { PacerError, ERRORS } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { startSimulator } from './simulator/index.js';
export type { SimulatorOptions, RunningSimulator } from './simulator/index.js';
