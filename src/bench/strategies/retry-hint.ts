/**
 * The wait the official SDK (openai-node 6.x, `retryRequest`) will sleep before retrying this
 * answer, when it says one: retry-after-ms, else retry-after as float seconds or an HTTP date.
 * Null when no retry follows (no retries left, or a status the SDK does not retry) or the answer
 * names no wait (the SDK's own backoff is then under a second or two).
 * The bench's drain uses it to wait for retries a client was told to make within the run.
 */
export function sdkRetryWaitMs(
  status: number,
  headers: { get(name: string): string | null },
  retriesLeft: number,
  now: number,
): number | null {
  if (retriesLeft <= 0 || !sdkRetries(status, headers)) return null;
  const ms = parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms) && ms !== 0) return Math.max(0, ms);
  const ra = headers.get('retry-after');
  if (!ra) return null;
  const s = parseFloat(ra);
  const wait = Number.isNaN(s) ? Date.parse(ra) - now : s * 1000;
  return Number.isFinite(wait) ? Math.max(0, wait) : null;
}

/** The SDK's shouldRetry for an answer: x-should-retry first, then 408, 409, 429 and 5xx. */
function sdkRetries(status: number, headers: { get(name: string): string | null }): boolean {
  const forced = headers.get('x-should-retry');
  if (forced === 'true') return true;
  if (forced === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
