/**
 * The retry hint on a simulator 429, as the real API sends it (openai-api.md §1.1, §9):
 * `retry-after` in whole seconds, at least 1. `retry-after-ms` only when asked for: the SDKs
 * read it, Azure OpenAI sends it, but nothing shows api.openai.com sending it, so a client
 * tested against the default must cope without it.
 *
 * Under a time scale the whole seconds are simulated seconds, turned into wall seconds like the
 * reset headers (--time-scale 20: "1" becomes "0.05"), so a client honouring it waits the same
 * share of a minute as against the real API. At scale 1 it is the real integer.
 */
export interface RetryAfterOptions {
  timeScale: number;
  /** Add the exact `retry-after-ms` (wall ms) as well. */
  retryAfterMs: boolean;
}

export function simRetryAfterHeaders(wallMs: number, o: RetryAfterOptions): Record<string, string> {
  const ms = Math.max(0, Math.ceil(wallMs));
  const simulatedS = Math.max(1, Math.ceil((ms * o.timeScale) / 1000 - 1e-9));
  // Rounded up to the wall millisecond: a shorter hint than the real one would invite a 429.
  const wallS = Math.ceil((simulatedS * 1000) / o.timeScale) / 1000;
  const h: Record<string, string> = { 'retry-after': String(wallS) };
  if (o.retryAfterMs) h['retry-after-ms'] = String(ms);
  return h;
}
