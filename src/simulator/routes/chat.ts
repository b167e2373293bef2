import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';
import { planCompletion, type Completion } from '../generation.js';
import { latencyRngFor, planLatency } from '../latency.js';
import { acceptRequest, recordUsage, respondLater, streamFrames } from '../pipeline.js';
import { parseChatRequest } from './chat-request.js';
import { buildChatStream, FINGERPRINT } from './chat-stream.js';

/** POST /v1/chat/completions: JSON or SSE, with real usage, limits, latency and faults. */
export async function handleChatCompletions(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const accepted = await acceptRequest(
    ctx,
    req,
    res,
    (body) => parseChatRequest(body, ctx.options.seed),
    (r) => r,
  );
  if (!accepted) return;
  const { request: cr, startedAt, fault, rateLimit } = accepted;

  const input = {
    model: cr.model,
    textSeed: cr.textSeed,
    maxOutput: cr.maxOutput,
    medianTokens: ctx.options.medianOutputTokens,
    effort: cr.effort,
    toolCall: cr.toolCall,
  };
  const choices: Completion[] = [];
  let completionTokens = 0;
  let reasoningTokens = 0;
  for (let i = 0; i < cr.n; i++) {
    const c = planCompletion(input, i);
    choices.push(c);
    completionTokens += c.outputTokens + c.reasoningTokens;
    reasoningTokens += c.reasoningTokens;
  }
  const usage = chatUsage(cr.promptTokens, completionTokens, reasoningTokens);
  recordUsage(ctx, cr.model, cr.cost, cr.promptTokens, completionTokens);
  const latency = planLatency(
    latencyRngFor(ctx, req.headers),
    ctx.options.ttftMs,
    ctx.options.tokensPerS,
    ctx.options.timeScale,
  );
  // Reasoning happens before the first visible token.
  const longest = Math.max(...choices.map((c) => c.outputTokens));
  latency.ttftMs += (reasoningTokens / cr.n) * latency.msPerToken;
  const id = ctx.newId('chatcmpl-', 29);
  const created = Math.floor(ctx.clock.now() / 1000);
  const requestId = ctx.requestId();

  if (cr.stream) {
    const parts = buildChatStream({
      id,
      created,
      model: cr.modelName,
      choices,
      usage: cr.includeUsage ? usage : undefined,
      obfuscation: cr.includeObfuscation ? ctx.rng('obfuscation') : undefined,
      newCallId: () => ctx.newId('call_', 24),
    });
    streamFrames(
      ctx,
      res,
      ctx.headers({ model: cr.model, startedAt, requestId, rateLimit }),
      parts,
      latency,
      fault,
    );
    return;
  }
  const body = {
    id,
    object: 'chat.completion',
    created,
    model: cr.modelName,
    choices: choices.map((c, index) => ({
      index,
      message: chatMessage(c, () => ctx.newId('call_', 24)),
      logprobs: null,
      finish_reason: c.finish,
    })),
    usage,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
  respondLater(ctx, res, latency.ttftMs + longest * latency.msPerToken, fault, () =>
    ctx.sendJson(res, 200, body, { model: cr.model, startedAt, requestId, rateLimit }),
  );
}

function chatMessage(c: Completion, newCallId: () => string): Record<string, unknown> {
  if (c.toolCall) {
    return {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: newCallId(),
          type: 'function',
          function: { name: c.toolCall.name, arguments: c.toolCall.arguments },
        },
      ],
      refusal: null,
      annotations: [],
    };
  }
  return { role: 'assistant', content: c.text, refusal: null, annotations: [] };
}

export function chatUsage(prompt: number, completion: number, reasoning: number): Record<string, unknown> {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
