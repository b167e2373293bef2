import { createSeededRng } from '../core/clock.js';
import type { ModelInfo } from '../core/models.js';
import { countCached } from './text/prompt.js';
import { generatePieces, lognormal } from './text/generator.js';

export interface ToolCallPlan {
  name: string;
  arguments: string;
}

/** What one choice / one response says: text pieces (one token each), reasoning, tool call. */
export interface Completion {
  pieces: string[];
  text: string;
  /** Tokens of visible output (text, or tool-call arguments). */
  outputTokens: number;
  reasoningTokens: number;
  /** stop | length | tool_calls */
  finish: 'stop' | 'length' | 'tool_calls';
  toolCall: ToolCallPlan | undefined;
}

export interface CompletionInput {
  model: ModelInfo;
  textSeed: number;
  /** The request's output cap (max_tokens & co), or undefined for the model's own maximum. */
  maxOutput: number | undefined;
  medianTokens: number;
  effort: string | undefined;
  toolCall: ToolCallPlan | undefined;
}

const EFFORT_MEDIAN: Record<string, number> = { minimal: 0, none: 0, low: 64, medium: 192, high: 640 };

/** Deterministic for (seed, request, choice index): the length is drawn, then capped. */
export function planCompletion(input: CompletionInput, index: number): Completion {
  const rng = createSeededRng((input.textSeed + Math.imul(index, 0x9e3779b1)) >>> 0);
  const cap = input.maxOutput ?? input.model.maxOutput;
  const target = Math.max(1, Math.min(4000, Math.round(lognormal(rng, input.medianTokens, 0.6))));
  const reasoningMedian =
    input.model.kind === 'reasoning' ? (EFFORT_MEDIAN[input.effort ?? 'medium'] ?? 192) : 0;
  let reasoning = reasoningMedian > 0 ? Math.max(1, Math.round(lognormal(rng, reasoningMedian, 0.5))) : 0;
  if (reasoning >= cap) {
    return {
      pieces: [],
      text: '',
      outputTokens: 0,
      reasoningTokens: cap,
      finish: 'length',
      toolCall: undefined,
    };
  }
  if (input.toolCall) {
    const tokens =
      countCached(input.toolCall.arguments, input.model.encoding) +
      countCached(input.toolCall.name, input.model.encoding);
    return {
      pieces: [],
      text: '',
      outputTokens: tokens,
      reasoningTokens: reasoning,
      finish: 'tool_calls',
      toolCall: input.toolCall,
    };
  }
  const room = cap - reasoning;
  const count = Math.min(target, room);
  const pieces = generatePieces((input.textSeed ^ 0x5bd1e995 ^ index) >>> 0, count);
  reasoning = Math.max(0, reasoning);
  return {
    pieces,
    text: pieces.join(''),
    outputTokens: count,
    reasoningTokens: reasoning,
    finish: target > room ? 'length' : 'stop',
    toolCall: undefined,
  };
}

/** Chat and Responses tool shapes differ; both come down to (name, parameters schema). */
export interface ToolDef {
  name: string;
  parameters: unknown;
}

/** Arguments that satisfy the schema's required properties (strings, numbers, booleans, enums). */
export function fillArguments(schema: unknown, seedWord: string): string {
  const out: Record<string, unknown> = {};
  const s = (schema ?? {}) as {
    properties?: Record<string, { type?: unknown; enum?: unknown[] }>;
    required?: string[];
  };
  const props = s.properties ?? {};
  const keys = Array.isArray(s.required) && s.required.length > 0 ? s.required : Object.keys(props);
  for (const k of keys) {
    const p = props[k] ?? {};
    if (Array.isArray(p.enum) && p.enum.length > 0) out[k] = p.enum[0];
    else if (p.type === 'number' || p.type === 'integer') out[k] = 42;
    else if (p.type === 'boolean') out[k] = true;
    else if (p.type === 'array') out[k] = [];
    else if (p.type === 'object') out[k] = {};
    else out[k] = seedWord;
  }
  return JSON.stringify(out);
}
