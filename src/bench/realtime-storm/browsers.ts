import { BROWSER_OFFER } from './offer.js';

/** What one browser does to get into a session; `retried` counts the waits it honoured. */
export interface BrowserOutcome {
  ok: boolean;
  retries: number;
  doneAtMs: number;
}

export type Attempt = () => Promise<{ ok: true } | { ok: false; retryAfterMs: number | undefined }>;

/** Tries, waits what it was told (or a fixed second when it was told nothing it can read), tries again. */
export async function runBrowser(
  attempt: Attempt,
  maxRetries: number,
  now: () => number,
): Promise<BrowserOutcome> {
  for (let retries = 0; ; retries++) {
    const r = await attempt();
    if (r.ok) return { ok: true, retries, doneAtMs: now() };
    if (retries >= maxRetries) return { ok: false, retries, doneAtMs: now() };
    await new Promise((res) => setTimeout(res, r.retryAfterMs ?? 1000));
  }
}

/** The browser posts its offer upstream itself with an ephemeral key; it cannot read upstream retry headers (CORS). */
export async function postOfferUpstream(
  upstreamUrl: string,
  ephemeralKey: string,
  on429: () => void,
): Promise<{ ok: true } | { ok: false; retryAfterMs: undefined }> {
  const res = await fetch(`${upstreamUrl}/realtime/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ephemeralKey}`, 'content-type': 'application/sdp' },
    body: BROWSER_OFFER,
  });
  await res.arrayBuffer();
  if (res.status === 429) on429();
  return res.status === 201 ? { ok: true } : { ok: false, retryAfterMs: undefined };
}

/** A header the gateway exposes to browsers through CORS. */
export function exposedRetryAfter(res: Response): number | undefined {
  const ms = Number(res.headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const s = Number(res.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : undefined;
}
