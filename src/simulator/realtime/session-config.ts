import { findModel } from '../../core/models.js';
import { isRecord } from '../batches/http.js';

/** The GA realtime session object (openai-api.md §6.1, §6.7) and its validation. */

export const DEFAULT_REALTIME_MODEL = 'gpt-realtime';
const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];

export const DEFAULT_TURN_DETECTION = {
  type: 'server_vad',
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 200,
  idle_timeout_ms: null,
  create_response: true,
  interrupt_response: true,
};

export interface RealtimeSession {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: ('text' | 'audio')[];
  instructions: string;
  tools: unknown[];
  tool_choice: unknown;
  max_output_tokens: number | 'inf';
  tracing: unknown;
  truncation: unknown;
  prompt: unknown;
  expires_at: number;
  audio: {
    input: { format: unknown; transcription: unknown; noise_reduction: unknown; turn_detection: unknown };
    output: { format: unknown; voice: string; speed: number };
  };
  include: unknown;
}

export function createDefaultSession(id: string, model: string, expiresAt: number): RealtimeSession {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions:
      "Your knowledge cutoff is 2023-10. You are a helpful, witty, and friendly AI. Act like a human, but remember that you aren't a human and that you can't do human things in the real world.",
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: expiresAt,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: { ...DEFAULT_TURN_DETECTION },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1.0 },
    },
    include: null,
  };
}

export interface ConfigError {
  message: string;
  param: string;
  code: string;
}

/** True when the id names a model the simulator serves over realtime. */
export function isRealtimeModel(model: string): boolean {
  return findModel(model)?.kind === 'realtime';
}

/**
 * Applies a GA `session` config (from client_secrets, calls or session.update) onto a session;
 * returns an error instead when a field is invalid, leaving the session untouched.
 */
export function applySessionConfig(
  session: RealtimeSession,
  cfg: Record<string, unknown>,
  prefix = 'session',
): ConfigError | undefined {
  const bad = (param: string, message: string, code = 'invalid_value'): ConfigError => ({
    message,
    param: `${prefix}.${param}`,
    code,
  });
  if (cfg.type !== undefined && cfg.type !== 'realtime')
    return bad('type', `Invalid value: '${String(cfg.type)}'. Supported values are: 'realtime'.`);
  const next = structuredClone(session);
  if (cfg.model !== undefined) {
    if (typeof cfg.model !== 'string' || !isRealtimeModel(cfg.model))
      return bad(
        'model',
        `Invalid model: '${String(cfg.model)}'. The model must be a realtime model.`,
        'model_not_found',
      );
    next.model = cfg.model;
  }
  if (cfg.instructions !== undefined) {
    if (typeof cfg.instructions !== 'string')
      return bad('instructions', "Invalid type for 'instructions': expected a string.", 'invalid_type');
    next.instructions = cfg.instructions;
  }
  if (cfg.output_modalities !== undefined) {
    const m = cfg.output_modalities;
    if (!Array.isArray(m) || m.length !== 1 || (m[0] !== 'text' && m[0] !== 'audio')) {
      return bad('output_modalities', "Invalid 'output_modalities': must be ['text'] or ['audio'].");
    }
    next.output_modalities = [m[0]];
  }
  if (cfg.max_output_tokens !== undefined) {
    const v = cfg.max_output_tokens;
    if (v !== 'inf' && !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 4096)) {
      return bad(
        'max_output_tokens',
        "Invalid 'max_output_tokens': must be an integer between 1 and 4096, or 'inf'.",
      );
    }
    next.max_output_tokens = v as number | 'inf';
  }
  for (const key of ['tools', 'tool_choice', 'tracing', 'truncation', 'prompt', 'include'] as const) {
    if (cfg[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = cfg[key];
  }
  if (cfg.audio !== undefined) {
    const err = applyAudio(next, cfg.audio, prefix);
    if (err) return err;
  }
  Object.assign(session, next);
  return undefined;
}

function applyAudio(next: RealtimeSession, audio: unknown, prefix: string): ConfigError | undefined {
  if (!isRecord(audio))
    return {
      message: "Invalid type for 'audio': expected an object.",
      param: `${prefix}.audio`,
      code: 'invalid_type',
    };
  const input = audio.input;
  if (isRecord(input)) {
    for (const key of ['format', 'transcription', 'noise_reduction', 'turn_detection'] as const) {
      if (input[key] !== undefined) next.audio.input[key] = input[key];
    }
  }
  const output = audio.output;
  if (isRecord(output)) {
    if (output.voice !== undefined) {
      if (typeof output.voice !== 'string' || !VOICES.includes(output.voice)) {
        return {
          message: `Invalid value: '${String(output.voice)}'. Supported values are: ${VOICES.map((v) => `'${v}'`).join(', ')}.`,
          param: `${prefix}.audio.output.voice`,
          code: 'invalid_value',
        };
      }
      next.audio.output.voice = output.voice;
    }
    if (output.format !== undefined) next.audio.output.format = output.format;
    if (output.speed !== undefined) {
      if (typeof output.speed !== 'number' || output.speed < 0.25 || output.speed > 1.5) {
        return {
          message: "Invalid 'speed': must be between 0.25 and 1.5.",
          param: `${prefix}.audio.output.speed`,
          code: 'invalid_value',
        };
      }
      next.audio.output.speed = output.speed;
    }
  }
  return undefined;
}
