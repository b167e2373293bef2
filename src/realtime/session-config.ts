import { PacerError } from '../core/errors.js';
import type { SessionConfig } from './types.js';

export const DEFAULT_ALLOWED_OVERRIDES = [
  'instructions',
  'audio',
  'output_modalities',
  'tools',
  'tool_choice',
  'max_output_tokens',
] as const;
export const DEFAULT_SESSION: SessionConfig = { type: 'realtime', model: 'gpt-realtime' };

/** The tenant's defaults with the client's allowed top-level fields on top; the rest is ignored. */
export function mergeSession(
  defaults: SessionConfig,
  client: SessionConfig | undefined,
  allowed: readonly string[],
): SessionConfig {
  const out: SessionConfig = { ...DEFAULT_SESSION, ...defaults };
  if (client) {
    for (const k of allowed) if (client[k] !== undefined) out[k] = client[k];
  }
  return out;
}

/** Body of POST /v1/realtime/client_secrets, checked before anything is spent on it. */
export function parseClientSecretsBody(body: unknown): {
  session: SessionConfig | undefined;
  expiresAfterSeconds: number | undefined;
  user: string | undefined;
} {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new PacerError('PACER_INVALID_REQUEST', 'The body must be a JSON object.');
  const b = body as Record<string, unknown>;
  let expiresAfterSeconds: number | undefined;
  if (b.expires_after !== undefined) {
    const ea = b.expires_after as Record<string, unknown> | null;
    if (!ea || typeof ea !== 'object')
      throw new PacerError('PACER_INVALID_REQUEST', 'expires_after must be an object.', {
        param: 'expires_after',
      });
    if (ea.anchor !== undefined && ea.anchor !== 'created_at')
      throw new PacerError('PACER_INVALID_REQUEST', "expires_after.anchor must be 'created_at'.", {
        param: 'expires_after.anchor',
      });
    if (ea.seconds !== undefined) {
      const s = ea.seconds;
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 10 || s > 7200)
        throw new PacerError(
          'PACER_INVALID_REQUEST',
          'expires_after.seconds must be an integer from 10 to 7200.',
          { param: 'expires_after.seconds' },
        );
      expiresAfterSeconds = s;
    }
  }
  let session: SessionConfig | undefined;
  if (b.session !== undefined) {
    if (b.session === null || typeof b.session !== 'object' || Array.isArray(b.session))
      throw new PacerError('PACER_INVALID_REQUEST', 'session must be an object.', { param: 'session' });
    session = b.session as SessionConfig;
  }
  const user = typeof b.user === 'string' && b.user !== '' ? b.user : undefined;
  return { session, expiresAfterSeconds, user };
}
