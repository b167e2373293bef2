import type { Route } from './workload.js';

/** Watches a stream's parsed events for the first content delta, the usage and the terminal event. */
export interface StreamTap {
  firstDeltaAt: number | null;
  inputTokens: number;
  outputTokens: number;
  finished: boolean;
  failed: boolean;
  /** Feeds one parsed event (`type` for Responses, chunks for Chat). Returns nothing; read the fields. */
  observe(data: unknown, now: number): void;
}

interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
}

export function readUsage(usage: unknown): { input: number; output: number } | null {
  if (usage === null || typeof usage !== 'object') return null;
  const u = usage as Usage;
  return {
    input: u.prompt_tokens ?? u.input_tokens ?? 0,
    output: u.completion_tokens ?? u.output_tokens ?? 0,
  };
}

export function createStreamTap(route: Route): StreamTap {
  const tap: StreamTap = {
    firstDeltaAt: null,
    inputTokens: 0,
    outputTokens: 0,
    finished: false,
    failed: false,
    observe(data, now) {
      if (data === null || typeof data !== 'object') return;
      const d = data as Record<string, unknown>;
      if (d['error'] !== undefined && d['error'] !== null && route === 'chat') {
        tap.failed = true;
        return;
      }
      if (route === 'chat') observeChat(d, now);
      else observeResponses(d, now);
    },
  };

  function setUsage(u: unknown): void {
    const usage = readUsage(u);
    if (!usage) return;
    tap.inputTokens = usage.input;
    tap.outputTokens = usage.output;
  }

  function observeChat(d: Record<string, unknown>, now: number): void {
    const choices = d['choices'];
    if (Array.isArray(choices) && choices.length > 0 && tap.firstDeltaAt === null) {
      const delta = (choices[0] as { delta?: { content?: string | null; tool_calls?: unknown } }).delta;
      if ((delta?.content ?? '') !== '' || delta?.tool_calls !== undefined) tap.firstDeltaAt = now;
    }
    if (d['usage']) setUsage(d['usage']);
  }

  function observeResponses(d: Record<string, unknown>, now: number): void {
    const type = d['type'];
    if (type === 'response.output_text.delta' || type === 'response.function_call_arguments.delta') {
      if (tap.firstDeltaAt === null) tap.firstDeltaAt = now;
    } else if (type === 'response.completed' || type === 'response.incomplete') {
      tap.finished = true;
      setUsage((d['response'] as { usage?: unknown } | undefined)?.usage);
    } else if (type === 'response.failed' || type === 'error') {
      tap.failed = true;
    }
  }

  return tap;
}
