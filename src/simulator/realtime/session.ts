import type { WebSocket } from 'ws';
import type { Rng } from '../../core/clock.js';
import { findModel } from '../../core/models.js';
import { countTokens } from '../../core/tokens/tokenizer.js';
import { isRecord } from '../batches/http.js';
import { planLatency, type LatencyPlan } from '../latency.js';
import type { RealtimeDeps } from './deps.js';
import { readRateLimits } from './rate-limits.js';
import { responseShell, startResponse, type ResponsePlan, type RunningResponse } from './response-run.js';
import { applySessionConfig, type RealtimeSession } from './session-config.js';

/** Per-event cap on decoded audio (openai-api.md §6.8). */
const MAX_APPEND_BYTES = 15 * 1024 * 1024;
const SESSION_MAX_MS = 60 * 60_000;
/** ~10 audio tokens per second of 24 kHz PCM16 input. */
const INPUT_AUDIO_BYTES_PER_TOKEN = 4800;
/** Output tokens reserved for max_output_tokens "inf" (the model's cap). */
const INF_RESERVATION = 4096;

interface Item {
  id: string;
  textTokens: number;
  audioTokens: number;
}

/** One realtime conversation over a WebSocket: client events in, GA server events out. */
export function runRealtimeSession(
  deps: RealtimeDeps,
  ws: WebSocket,
  session: RealtimeSession,
  rng: Rng,
): void {
  const conversationId = deps.ids.base62('conv_', 21);
  const items: Item[] = [];
  let audioBytes = 0;
  let active: RunningResponse | undefined;

  const send = (event: Record<string, unknown>): void => {
    if (ws.readyState !== ws.OPEN) return;
    const { type, ...rest } = event;
    ws.send(JSON.stringify({ type, event_id: deps.ids.base62('event_', 21), ...rest }));
  };
  const error = (
    code: string,
    message: string,
    param: string | null = null,
    clientEventId: unknown = null,
  ): void => {
    send({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code,
        message,
        param,
        event_id: typeof clientEventId === 'string' ? clientEventId : null,
      },
    });
  };
  const lastItemId = (): string | null => items[items.length - 1]?.id ?? null;
  const addItem = (item: Record<string, unknown>, tokens: { text: number; audio: number }): void => {
    const previous = lastItemId();
    items.push({ id: item.id as string, textTokens: tokens.text, audioTokens: tokens.audio });
    send({ type: 'conversation.item.added', previous_item_id: previous, item });
    send({ type: 'conversation.item.done', previous_item_id: previous, item });
  };

  send({ type: 'session.created', session });
  const expiry = setTimeout(() => {
    active?.cancel();
    send({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'Your session hit the maximum duration of 60 minutes.',
        param: null,
        event_id: null,
      },
    });
    ws.close(1001, 'session expired');
  }, SESSION_MAX_MS / deps.timeScale);
  expiry.unref();
  // A protocol error (bad frame, oversize payload) must end this socket, never the simulator.
  ws.on('error', () => ws.terminate());
  ws.on('close', () => {
    clearTimeout(expiry);
    active?.cancel();
  });

  const handlers: Record<string, (e: Record<string, unknown>) => void> = {
    'session.update': (e) => {
      if (!isRecord(e.session))
        return error(
          'missing_required_parameter',
          "Missing required parameter: 'session'.",
          'session',
          e.event_id,
        );
      if (e.session.type === undefined)
        return error(
          'missing_required_parameter',
          "Missing required parameter: 'session.type'.",
          'session.type',
          e.event_id,
        );
      const err = applySessionConfig(session, e.session);
      if (err) return error(err.code, err.message, err.param, e.event_id);
      send({ type: 'session.updated', session });
    },
    'input_audio_buffer.append': (e) => {
      if (typeof e.audio !== 'string')
        return error(
          'missing_required_parameter',
          "Missing required parameter: 'audio'.",
          'audio',
          e.event_id,
        );
      const bytes = Math.floor((e.audio.length * 3) / 4);
      if (bytes > MAX_APPEND_BYTES) {
        return error(
          'invalid_value',
          `Audio chunk of ${bytes} bytes exceeds the maximum of ${MAX_APPEND_BYTES} bytes (15 MiB) per input_audio_buffer.append event.`,
          'audio',
          e.event_id,
        );
      }
      audioBytes += bytes;
    },
    'input_audio_buffer.commit': (e) => {
      if (audioBytes < 4800) {
        const ms = ((audioBytes / 48_000) * 1000).toFixed(2);
        return error(
          'input_audio_buffer_commit_empty',
          `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms}ms of audio.`,
          null,
          e.event_id,
        );
      }
      const itemId = deps.ids.base62('item_', 21);
      send({ type: 'input_audio_buffer.committed', previous_item_id: lastItemId(), item_id: itemId });
      const item = {
        id: itemId,
        object: 'realtime.item',
        type: 'message',
        status: 'completed',
        role: 'user',
        content: [{ type: 'input_audio', transcript: null }],
      };
      addItem(item, { text: 0, audio: Math.ceil(audioBytes / INPUT_AUDIO_BYTES_PER_TOKEN) });
      audioBytes = 0;
    },
    'input_audio_buffer.clear': () => {
      audioBytes = 0;
      send({ type: 'input_audio_buffer.cleared' });
    },
    'conversation.item.create': (e) => {
      const item = e.item;
      if (!isRecord(item) || typeof item.type !== 'string')
        return error(
          'missing_required_parameter',
          "Missing required parameter: 'item.type'.",
          'item.type',
          e.event_id,
        );
      const stored = {
        id: typeof item.id === 'string' ? item.id : deps.ids.base62('item_', 21),
        object: 'realtime.item',
        status: 'completed',
        ...item,
      };
      addItem(stored, {
        text: countTokens(JSON.stringify(item.content ?? item.output ?? item.arguments ?? '')),
        audio: 0,
      });
    },
    'response.create': (e) => createResponse(e),
    'response.cancel': (e) => {
      if (!active)
        return error(
          'response_cancel_not_active',
          'Cancellation failed: no active response found.',
          null,
          e.event_id,
        );
      active.cancel();
    },
  };

  function createResponse(e: Record<string, unknown>): void {
    if (active)
      return error(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${active.id}. Wait until the response is finished before creating a new one.`,
        null,
        e.event_id,
      );
    const opts = isRecord(e.response) ? e.response : {};
    const cfg = structuredClone(session);
    const err = applySessionConfig(
      cfg,
      {
        ...(opts.instructions !== undefined ? { instructions: opts.instructions } : {}),
        ...(opts.output_modalities !== undefined ? { output_modalities: opts.output_modalities } : {}),
        ...(opts.max_output_tokens !== undefined ? { max_output_tokens: opts.max_output_tokens } : {}),
      },
      'response',
    );
    if (err) return error(err.code, err.message, err.param, e.event_id);
    const model = findModel(session.model) ?? findModel('gpt-realtime')!;
    const inConversation = opts.conversation !== 'none';
    const text = countTokens(cfg.instructions) + items.reduce((s, i) => s + i.textTokens, 0);
    const audio = items.reduce((s, i) => s + i.audioTokens, 0);
    const reserve = cfg.max_output_tokens === 'inf' ? INF_RESERVATION : cfg.max_output_tokens;
    const plan: ResponsePlan = {
      responseId: deps.ids.base62('resp_', 21),
      itemId: deps.ids.base62('item_', 21),
      conversationId: inConversation ? conversationId : null,
      previousItemId: lastItemId(),
      modality: cfg.output_modalities[0] ?? 'audio',
      maxOutputTokens: cfg.max_output_tokens,
      voice: cfg.audio.output.voice,
      speed: cfg.audio.output.speed,
      inputTokens: { text, audio },
      metadata: opts.metadata ?? null,
      ...pace(planLatency(rng, deps.ttftMs, deps.tokensPerS, deps.timeScale)),
    };
    send({ type: 'response.created', response: responseShell(plan, 'in_progress', [], null) });
    const admission = deps.admitResponse(model, text + audio + reserve);
    send({
      type: 'rate_limits.updated',
      rate_limits: readRateLimits(deps.rateLimitHeaders(model), deps.timeScale),
    });
    if (!admission.ok) {
      const details = {
        type: 'failed',
        error: { type: admission.type, code: 'rate_limit_exceeded', message: admission.message },
      };
      send({ type: 'response.done', response: responseShell(plan, 'failed', [], null, details) });
      return;
    }
    const itemId = plan.itemId;
    active = startResponse(plan, {
      send,
      rng,
      finished: ({ outputTokens }) => {
        active = undefined;
        if (inConversation) items.push({ id: itemId, textTokens: outputTokens, audioTokens: 0 });
        deps.countTokens(text + audio, outputTokens);
        deps.settleResponse(model, text + audio + reserve, text + audio + outputTokens);
      },
    });
  }

  ws.on('message', (data, isBinary) => {
    if (isBinary) return error('invalid_event', 'Binary frames are not supported; send JSON text events.');
    let event: unknown;
    try {
      event = JSON.parse(data.toString());
    } catch {
      return error('invalid_event', 'The event could not be parsed as JSON.');
    }
    if (!isRecord(event)) return error('invalid_event', 'The event must be a JSON object.');
    if (typeof event.type !== 'string')
      return error('invalid_event', "The 'type' field is missing.", 'type', event.event_id);
    const handler = handlers[event.type];
    if (!handler)
      return error(
        'invalid_event',
        `Invalid value: '${event.type}'. Supported values are: ${Object.keys(handlers)
          .map((k) => `'${k}'`)
          .join(', ')}.`,
        'type',
        event.event_id,
      );
    handler(event);
  });
}

/** The HTTP simulator's latency plan (lognormal TTFT with a tail, jittered speed) in wall-clock terms. */
function pace(plan: LatencyPlan): { ttftMs: number; tokensPerS: number } {
  return { ttftMs: plan.ttftMs, tokensPerS: plan.msPerToken > 0 ? 1000 / plan.msPerToken : 1_000_000 };
}
