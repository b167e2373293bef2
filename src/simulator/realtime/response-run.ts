import type { Rng } from '../../core/clock.js';
import { countTokens } from '../../core/tokens/tokenizer.js';
import { composeReply, toneBase64, WORD_SECONDS } from './speech.js';

/** One assistant response streamed over a realtime connection, paced in wall-clock ticks. */

export interface ResponsePlan {
  responseId: string;
  itemId: string;
  conversationId: string | null;
  previousItemId: string | null;
  modality: 'text' | 'audio';
  maxOutputTokens: number | 'inf';
  voice: string;
  speed: number;
  inputTokens: { text: number; audio: number };
  metadata: unknown;
  /** Wall ms before the first delta and between ticks, and words per tick. */
  ttftMs: number;
  tokensPerS: number;
}

export interface ResponseIo {
  send(event: Record<string, unknown>): void;
  rng: Rng;
  /** Called once with the final output tokens when response.done has been sent. */
  finished(outcome: { status: string; outputTokens: number; transcript: string }): void;
}

export interface RunningResponse {
  readonly id: string;
  cancel(): void;
}

const TICK_MS = 25;

export function responseShell(
  plan: ResponsePlan,
  status: string,
  output: unknown[],
  usage: unknown,
  statusDetails: unknown = null,
): Record<string, unknown> {
  return {
    object: 'realtime.response',
    id: plan.responseId,
    status,
    status_details: statusDetails,
    output,
    conversation_id: plan.conversationId,
    output_modalities: [plan.modality],
    max_output_tokens: plan.maxOutputTokens,
    audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: plan.voice } },
    usage,
    metadata: plan.metadata ?? null,
  };
}

export function startResponse(plan: ResponsePlan, io: ResponseIo): RunningResponse {
  const cap = plan.maxOutputTokens === 'inf' ? Infinity : plan.maxOutputTokens;
  const wanted = 12 + Math.floor(io.rng.next() * 28);
  const words = composeReply(io.rng, wanted);
  const base = { response_id: plan.responseId, item_id: plan.itemId, output_index: 0 };
  const audio = plan.modality === 'audio';
  const item = (status: string, content: unknown[]): Record<string, unknown> => ({
    id: plan.itemId,
    object: 'realtime.item',
    type: 'message',
    status,
    role: 'assistant',
    content,
  });

  io.send({
    type: 'response.output_item.added',
    response_id: plan.responseId,
    output_index: 0,
    item: item('in_progress', []),
  });
  io.send({
    type: 'conversation.item.added',
    previous_item_id: plan.previousItemId,
    item: item('in_progress', []),
  });
  io.send({
    type: 'response.content_part.added',
    ...base,
    content_index: 0,
    part: audio ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
  });

  let sent = 0;
  let text = '';
  let tokens = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  // Slow streams tick once per token; fast ones batch tokens into >= 25 ms ticks (fewer timers).
  const interval = Math.max(TICK_MS, 1000 / Math.max(plan.tokensPerS, 0.001));
  const perTick = Math.max(1, Math.round((plan.tokensPerS * interval) / 1000));

  const finish = (status: 'completed' | 'incomplete' | 'cancelled'): void => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    const contentType = audio ? 'output_audio' : 'output_text';
    const part = audio ? { type: 'audio', transcript: text } : { type: 'text', text };
    if (audio) {
      io.send({ type: 'response.output_audio.done', ...base, content_index: 0 });
      io.send({ type: 'response.output_audio_transcript.done', ...base, content_index: 0, transcript: text });
    } else {
      io.send({ type: 'response.output_text.done', ...base, content_index: 0, text });
    }
    io.send({ type: 'response.content_part.done', ...base, content_index: 0, part });
    const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
    const content = [audio ? { type: contentType, transcript: text } : { type: contentType, text }];
    io.send({
      type: 'response.output_item.done',
      response_id: plan.responseId,
      output_index: 0,
      item: item(itemStatus, content),
    });
    io.send({
      type: 'conversation.item.done',
      previous_item_id: plan.previousItemId,
      item: item(itemStatus, content),
    });
    const audioTokens = audio ? Math.ceil((sent * WORD_SECONDS * 20) / plan.speed) : 0;
    const outputTokens = tokens + audioTokens;
    const inputTokens = plan.inputTokens.text + plan.inputTokens.audio;
    const usage = {
      total_tokens: inputTokens + outputTokens,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      input_token_details: {
        text_tokens: plan.inputTokens.text,
        audio_tokens: plan.inputTokens.audio,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: tokens, audio_tokens: audioTokens },
    };
    const details =
      status === 'completed'
        ? null
        : status === 'cancelled'
          ? { type: 'cancelled', reason: 'client_cancelled' }
          : { type: 'incomplete', reason: 'max_output_tokens' };
    io.send({
      type: 'response.done',
      response: responseShell(plan, status, [item(itemStatus, content)], usage, details),
    });
    io.finished({ status, outputTokens, transcript: text });
  };

  const tick = (): void => {
    timer = undefined;
    let n = 0;
    let delta = '';
    while (n < perTick && sent < words.length) {
      const w = words[sent]!;
      const t = countTokens(w);
      if (tokens + t > cap) return finish('incomplete');
      delta += w;
      tokens += t;
      sent++;
      n++;
    }
    if (delta !== '') {
      text += delta;
      if (audio) {
        io.send({ type: 'response.output_audio_transcript.delta', ...base, content_index: 0, delta });
        io.send({
          type: 'response.output_audio.delta',
          ...base,
          content_index: 0,
          delta: toneBase64((n * WORD_SECONDS * 1000) / plan.speed),
        });
      } else {
        io.send({ type: 'response.output_text.delta', ...base, content_index: 0, delta });
      }
    }
    if (sent >= words.length) return finish('completed');
    timer = setTimeout(tick, interval);
  };
  timer = setTimeout(tick, Math.max(0, plan.ttftMs));

  return {
    id: plan.responseId,
    cancel: () => finish('cancelled'),
  };
}
