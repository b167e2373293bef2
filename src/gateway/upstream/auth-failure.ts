/**
 * An upstream 401 is about the gateway's own key, not the client's: the client gets a 502 that
 * says so, never the upstream's body (it quotes the key's first and last characters, "Incorrect
 * API key provided: sk-proj-****abcd"), and the operator gets one log line without the body.
 */
import { PacerError } from '../../core/errors.js';

export function isUpstreamAuthFailure(status: number): boolean {
  return status === 401;
}

export function upstreamAuthFailure(log: (line: string) => void, requestId: string): PacerError {
  log(
    JSON.stringify({
      level: 'error',
      request_id: requestId,
      error: "the upstream refused the gateway's API key (401): check OPENAI_API_KEY",
    }),
  );
  return new PacerError(
    'PACER_UPSTREAM_AUTH',
    "The gateway's credentials for the upstream were refused. This is not a problem with your key; please contact the gateway's operator.",
  );
}
