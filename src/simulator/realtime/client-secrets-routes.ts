import type { ServerResponse } from 'node:http';
import {
  bearerKey,
  isRecord,
  parseJsonObject,
  readBody,
  sendError,
  sendJson,
  sendUnauthorized,
} from '../batches/http.js';
import type { RouteGroup } from '../batches/route.js';
import { classifyKey, sendMintLimited } from './auth.js';
import type { RealtimeDeps } from './deps.js';
import {
  applySessionConfig,
  createDefaultSession,
  DEFAULT_REALTIME_MODEL,
  DEFAULT_TURN_DETECTION,
  isRealtimeModel,
} from './session-config.js';

const DEFAULT_TTL_S = 600;
const BETA_TTL_S = 60;

/** `POST /v1/realtime/client_secrets` (GA) and the legacy `POST /v1/realtime/sessions` (beta). */
export function createClientSecretsRoutes(deps: RealtimeDeps): RouteGroup {
  return async (req, res, url) => {
    const legacy = url.pathname === '/v1/realtime/sessions';
    if (url.pathname !== '/v1/realtime/client_secrets' && !legacy) return false;
    if (req.method !== 'POST') {
      sendError(res, 405, `Method ${req.method ?? ''} not allowed for ${url.pathname}.`, {
        code: 'method_not_allowed',
      });
      return true;
    }
    const key = bearerKey(req);
    if (key === undefined || classifyKey(deps, key).kind !== 'server') {
      sendUnauthorized(res, key);
      return true;
    }
    const body = parseJsonObject(res, await readBody(req, 1024 * 1024), true);
    if (!body) return true;
    if (legacy) mintBeta(res, body, deps);
    else mintGa(res, body, deps);
    return true;
  };
}

function mintGa(res: ServerResponse, body: Record<string, unknown>, deps: RealtimeDeps): void {
  const ttl = readTtl(body.expires_after);
  if (typeof ttl === 'string')
    return sendError(res, 400, ttl, { param: 'expires_after', code: 'invalid_value' });
  const cfg = body.session ?? {};
  if (!isRecord(cfg))
    return sendError(res, 400, "Invalid type for 'session': expected an object.", {
      param: 'session',
      code: 'invalid_type',
    });
  if (cfg.type === 'transcription') {
    return sendError(res, 400, 'Transcription sessions are not supported by the simulator.', {
      param: 'session.type',
      code: 'invalid_value',
    });
  }
  const session = createDefaultSession(deps.ids.base62('sess_', 21), DEFAULT_REALTIME_MODEL, 0);
  const err = applySessionConfig(session, { type: 'realtime', ...cfg });
  if (err) return sendError(res, 400, err.message, { param: err.param, code: err.code });
  const decision = deps.admitMint();
  if (!decision.ok) return sendMintLimited(res, deps, decision);
  const value = deps.ids.hex('ek_');
  const expiresAtMs = deps.now() + ttl * 1000;
  deps.secrets.add({ value, expiresAtMs, session });
  deps.countMint();
  sendJson(res, 200, { value, expires_at: Math.floor(expiresAtMs / 1000), session });
}

/** `expires_after: {anchor:"created_at", seconds: 10..7200}`, default 600 s; a string is the error. */
function readTtl(v: unknown): number | string {
  if (v === undefined || v === null) return DEFAULT_TTL_S;
  if (!isRecord(v)) return "Invalid type for 'expires_after': expected an object.";
  if (v.anchor !== undefined && v.anchor !== 'created_at')
    return `Invalid value: '${String(v.anchor)}'. Supported values are: 'created_at'.`;
  if (v.seconds === undefined) return DEFAULT_TTL_S;
  const s = v.seconds;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 10 || s > 7200) {
    return `Invalid 'expires_after.seconds': ${String(s)}. Expected an integer between 10 and 7200.`;
  }
  return s;
}

function mintBeta(res: ServerResponse, body: Record<string, unknown>, deps: RealtimeDeps): void {
  const model = body.model ?? 'gpt-4o-realtime-preview';
  if (typeof model !== 'string' || !isRealtimeModel(model)) {
    return sendError(res, 400, `Invalid model: '${String(model)}'. The model must be a realtime model.`, {
      param: 'model',
      code: 'model_not_found',
    });
  }
  const modalities = Array.isArray(body.modalities) ? body.modalities : ['audio', 'text'];
  const voice = typeof body.voice === 'string' ? body.voice : 'alloy';
  const maxOut = body.max_response_output_tokens ?? 'inf';
  const session = createDefaultSession(deps.ids.base62('sess_', 21), model, 0);
  const err = applySessionConfig(
    session,
    {
      model,
      output_modalities: modalities.includes('audio') ? ['audio'] : ['text'],
      max_output_tokens: maxOut,
      audio: { output: { voice } },
      ...(typeof body.instructions === 'string' ? { instructions: body.instructions } : {}),
    },
    'session',
  );
  if (err)
    return sendError(res, 400, err.message, { param: err.param.replace(/^session\./, ''), code: err.code });
  const decision = deps.admitMint();
  if (!decision.ok) return sendMintLimited(res, deps, decision);
  const value = deps.ids.hex('ek_');
  const expiresAtMs = deps.now() + BETA_TTL_S * 1000;
  deps.secrets.add({ value, expiresAtMs, session });
  deps.countMint();
  sendJson(res, 200, {
    id: session.id,
    object: 'realtime.session',
    model,
    modalities,
    instructions: session.instructions,
    voice,
    input_audio_format: body.input_audio_format ?? 'pcm16',
    output_audio_format: body.output_audio_format ?? 'pcm16',
    input_audio_transcription: body.input_audio_transcription ?? null,
    turn_detection: body.turn_detection ?? { ...DEFAULT_TURN_DETECTION },
    tools: body.tools ?? [],
    tool_choice: body.tool_choice ?? 'auto',
    temperature: body.temperature ?? 0.8,
    max_response_output_tokens: maxOut,
    speed: body.speed ?? 1.0,
    tracing: body.tracing ?? null,
    client_secret: { value, expires_at: Math.floor(expiresAtMs / 1000) },
  });
}
