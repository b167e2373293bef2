/**
 * Usage extraction from OpenAI response bodies and SSE events, normalised across endpoints:
 * chat (`prompt_tokens`/`completion_tokens`), responses (`input_tokens`/`output_tokens`) and
 * embeddings (`prompt_tokens` only).
 */
import type { SseEvent } from './sse.js';

export type UsageRoute = 'chat' | 'responses' | 'embeddings';

export interface Usage {
  input: number;
  output: number;
  /** Input tokens served from the prompt cache (part of `input`). */
  cached: number;
  /** Reasoning tokens (part of `output`). */
  reasoning: number;
  total: number;
  /**
   * The Responses API id (`resp_...`) of the answer this usage belongs to, when the tap saw it:
   * a follow-up naming it in `previous_response_id` is billed for this usage's total as input.
   */
  responseId?: string;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** Normalises a raw `usage` object of any endpoint; null when it is not one. */
export function normalizeUsage(raw: unknown): Usage | null {
  const u = obj(raw);
  if (!u) return null;
  if ('input_tokens' in u || 'output_tokens' in u) {
    const input = num(u['input_tokens']);
    const output = num(u['output_tokens']);
    return {
      input,
      output,
      cached: num(obj(u['input_tokens_details'])?.['cached_tokens']),
      reasoning: num(obj(u['output_tokens_details'])?.['reasoning_tokens']),
      total: u['total_tokens'] === undefined ? input + output : num(u['total_tokens']),
    };
  }
  if ('prompt_tokens' in u || 'completion_tokens' in u || 'total_tokens' in u) {
    const input = num(u['prompt_tokens']);
    const output = num(u['completion_tokens']);
    return {
      input,
      output,
      cached: num(obj(u['prompt_tokens_details'])?.['cached_tokens']),
      reasoning: num(obj(u['completion_tokens_details'])?.['reasoning_tokens']),
      total: u['total_tokens'] === undefined ? input + output : num(u['total_tokens']),
    };
  }
  return null;
}

/** Usage of a parsed non-streaming body (chat completion, response, embedding list). */
export function usageFromBody(body: unknown): Usage | null {
  const b = obj(body);
  const usage = normalizeUsage(b?.['usage']);
  const id = b?.['id'];
  if (usage && b?.['object'] === 'response' && typeof id === 'string' && id !== '') usage.responseId = id;
  return usage;
}

/**
 * A Responses body's own id, from the start of its text: the API serialises `id` first
 * (`{"id": "resp_...", "object": "response", ...}`, pretty-printed or not). Anchored, so it costs
 * nothing on other bodies and never matches an id nested deeper (items are msg_/rs_/fc_).
 */
const LEADING_RESPONSE_ID = /^\s*\{\s*"id"\s*:\s*"(resp_[A-Za-z0-9_-]{1,120})"/;

/** The id a Responses body starts with (see above), or undefined; `head` is the body's first bytes. */
export function leadingResponseId(head: string): string | undefined {
  return LEADING_RESPONSE_ID.exec(head)?.[1];
}

/**
 * Usage of a JSON body given as text, without parsing the whole body: `usage` sits near the
 * end of every endpoint's answer, and embedding bodies can be megabytes of floats. A Responses
 * body's id is read from its first bytes when the text holds the whole body.
 */
export function usageFromJsonText(text: string): Usage | null {
  let at = text.lastIndexOf('"usage"');
  while (at !== -1) {
    const open = text.indexOf('{', at + 7);
    const between = open === -1 ? '' : text.slice(at + 7, open).trim();
    if (open !== -1 && between === ':') {
      const close = matchBrace(text, open);
      if (close !== -1) {
        try {
          const usage = normalizeUsage(JSON.parse(text.slice(open, close + 1)));
          if (usage) {
            // Only a whole body starts with its id; a tail cut from a longer body does not.
            const id = LEADING_RESPONSE_ID.exec(text)?.[1];
            if (id !== undefined) usage.responseId = id;
            return usage;
          }
        } catch {
          // not JSON after all: try an earlier occurrence
        }
      }
    }
    at = at === 0 ? -1 : text.lastIndexOf('"usage"', at - 1);
  }
  return null;
}

/** Index of the `}` closing the object that opens at `open`, skipping strings; -1 if cut. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

const TERMINAL_RESPONSE_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Usage carried by one SSE event, or null. Chat: the final chunk with `choices: []` and a full
 * `usage`. Responses: `response.completed` / `response.incomplete` / `response.failed`.
 * Cheap string checks first, so only the one event that carries usage is parsed.
 */
/** A usage object (not `"usage":null`) somewhere in an event: one scan instead of two. */
const HAS_USAGE = /"usage":\s?\{/;

export function usageFromSseEvent(route: UsageRoute, ev: SseEvent): Usage | null {
  if (route === 'responses') {
    const type = ev.event ?? '';
    if (!TERMINAL_RESPONSE_EVENTS.has(type) && !(type === '' && ev.data.includes('"response.'))) return null;
    if (!HAS_USAGE.test(ev.data)) return null;
    try {
      const parsed = obj(JSON.parse(ev.data));
      if (!parsed || !TERMINAL_RESPONSE_EVENTS.has(String(parsed['type']))) return null;
      return usageFromBody(parsed['response']);
    } catch {
      return null;
    }
  }
  if (ev.data === '[DONE]' || !HAS_USAGE.test(ev.data)) return null;
  try {
    return usageFromBody(JSON.parse(ev.data));
  } catch {
    return null;
  }
}

/** True for the event that ends a stream normally (chat `[DONE]`, responses terminal events). */
export function isTerminalSseEvent(route: UsageRoute, ev: SseEvent): boolean {
  if (route === 'responses') return TERMINAL_RESPONSE_EVENTS.has(ev.event ?? '');
  return ev.data === '[DONE]';
}
