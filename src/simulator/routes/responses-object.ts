import type { Completion } from '../generation.js';
import type { ResponsesRequest } from './responses-request.js';

export interface ResponseIds {
  id: string;
  msgId: string;
  rsId: string;
  fcId: string;
  callId: string;
  createdAt: number;
}

export type Item = Record<string, unknown>;

export function reasoningItem(ids: ResponseIds): Item {
  return { id: ids.rsId, type: 'reasoning', summary: [] };
}

export function messageItem(ids: ResponseIds, text: string, status: string): Item {
  return {
    id: ids.msgId,
    type: 'message',
    status,
    content: status === 'in_progress' ? [] : [textPart(text)],
    role: 'assistant',
  };
}

export function textPart(text: string): Item {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function functionCallItem(ids: ResponseIds, c: Completion, status: string): Item {
  return {
    id: ids.fcId,
    type: 'function_call',
    status,
    arguments: status === 'in_progress' ? '' : c.toolCall!.arguments,
    call_id: ids.callId,
    name: c.toolCall!.name,
  };
}

/** The output items of a finished response, in order: reasoning, then message or function call. */
export function outputItems(r: ResponsesRequest, c: Completion, ids: ResponseIds): Item[] {
  const out: Item[] = [];
  if (r.model.kind === 'reasoning') out.push(reasoningItem(ids));
  if (c.toolCall) out.push(functionCallItem(ids, c, 'completed'));
  else if (c.pieces.length > 0 || c.finish !== 'length')
    out.push(messageItem(ids, c.text, c.finish === 'length' ? 'incomplete' : 'completed'));
  return out;
}

export function responsesUsage(input: number, c: Completion): Record<string, unknown> {
  const output = c.outputTokens + c.reasoningTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: c.reasoningTokens },
    total_tokens: input + output,
  };
}

/** The full Response object; `done` undefined means the in-progress snapshot of created/in_progress. */
export function responseObject(
  r: ResponsesRequest,
  ids: ResponseIds,
  done?: { c: Completion; completedAt: number },
): Record<string, unknown> {
  const incomplete = done?.c.finish === 'length';
  return {
    id: ids.id,
    object: 'response',
    created_at: ids.createdAt,
    status: done === undefined ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    background: r.echo.background,
    completed_at: done === undefined || incomplete ? null : done.completedAt,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: r.echo.instructions,
    max_output_tokens: r.maxOutput ?? null,
    max_tool_calls: null,
    model: r.modelName,
    output: done === undefined ? [] : outputItems(r, done.c, ids),
    parallel_tool_calls: r.echo.parallel_tool_calls,
    previous_response_id: r.echo.previous_response_id,
    prompt_cache_key: null,
    reasoning: { effort: r.model.kind === 'reasoning' ? (r.effort ?? 'medium') : null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: r.echo.store,
    temperature: r.echo.temperature,
    text: r.echo.text,
    tool_choice: r.echo.tool_choice,
    tools: r.echo.tools,
    top_logprobs: 0,
    top_p: r.echo.top_p,
    truncation: r.echo.truncation,
    usage: done === undefined ? null : responsesUsage(r.promptTokens, done.c),
    user: r.echo.user,
    metadata: r.echo.metadata,
  };
}
