import { PacerError } from '../core/errors.js';

/** Calls to the upstream Realtime API with the SERVER key. One job: HTTP in, outcome out. */
export interface Upstream {
  mint(body: unknown): Promise<UpstreamOutcome<{ value: string; expires_at: number; [k: string]: unknown }>>;
  call(sdp: string, session: unknown): Promise<UpstreamOutcome<{ sdp: string; location: string }>>;
  /** ws(s)://…/v1/realtime?model=… */
  wsUrl(query: URLSearchParams): string;
  readonly apiKey: string;
}

export type UpstreamOutcome<T> = { ok: true; value: T } | { ok: false; retryAfterMs: number };

export function createUpstream(baseUrl: string, apiKey: string): Upstream {
  const base = baseUrl.replace(/\/+$/, '');
  const auth = `Bearer ${apiKey}`;
  return {
    apiKey,
    async mint(body) {
      const res = await send(`${base}/realtime/client_secrets`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status === 429) return limited(res);
      if (!res.ok) throw await toPacerError(res);
      return { ok: true, value: (await res.json()) as { value: string; expires_at: number } };
    },
    async call(sdp, session) {
      const form = new FormData();
      form.set('sdp', new Blob([sdp], { type: 'application/sdp' }));
      form.set('session', new Blob([JSON.stringify(session)], { type: 'application/json' }));
      const res = await send(`${base}/realtime/calls`, {
        method: 'POST',
        headers: { authorization: auth },
        body: form,
      });
      if (res.status === 429) return limited(res);
      if (!res.ok) throw await toPacerError(res);
      return { ok: true, value: { sdp: await res.text(), location: res.headers.get('location') ?? '' } };
    },
    wsUrl(query) {
      const url = new URL(`${base}/realtime`);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.search = query.toString();
      return url.toString();
    },
  };
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const timeout = err instanceof Error && err.name === 'TimeoutError';
    throw new PacerError(
      timeout ? 'PACER_UPSTREAM_TIMEOUT' : 'PACER_UPSTREAM_UNAVAILABLE',
      timeout ? 'The upstream did not answer in time.' : 'The upstream is unreachable.',
    );
  }
}

async function limited(res: Response): Promise<{ ok: false; retryAfterMs: number }> {
  await res.body?.cancel();
  return { ok: false, retryAfterMs: retryAfterOf(res.headers) };
}

/** retry-after-ms first (exact), then retry-after seconds, else one second. */
export function retryAfterOf(headers: { get(name: string): string | null }): number {
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const s = Number(headers.get('retry-after'));
  if (Number.isFinite(s) && s > 0) return s * 1000;
  return 1000;
}

/** Upstream 4xx keep their message and code; anything else is a 502 (the server key is never echoed). */
export async function toPacerError(res: Response): Promise<PacerError> {
  let message = `The upstream answered ${res.status}.`;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const body = (await res.json()) as {
      error?: { message?: string; code?: string | null; param?: string | null };
    };
    if (body.error?.message) message = body.error.message;
    code = body.error?.code ?? null;
    param = body.error?.param ?? null;
  } catch {
    // not JSON: keep the generic message
  }
  if (res.status === 400 || res.status === 422)
    return new PacerError('PACER_INVALID_REQUEST', message, { openaiCode: code, param });
  if (res.status === 404) return new PacerError('PACER_NOT_FOUND', message, { openaiCode: code });
  return new PacerError('PACER_UPSTREAM_ERROR', `The upstream failed (${res.status}).`);
}
