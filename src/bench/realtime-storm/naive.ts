/**
 * The hand-written pattern the issue describes: one ephemeral token per instance, cached in a
 * module variable for 55 seconds, no single-flight (every caller that finds it missing or
 * expired mints), shared by every user of the instance, errors not paced.
 */
export interface NaiveInstance {
  getToken(): Promise<string>;
}

export function createNaiveInstance(
  upstreamUrl: string,
  serverKey: string,
  on429: () => void,
): NaiveInstance {
  let cached: { value: string; at: number } | null = null;
  return {
    async getToken() {
      if (cached && Date.now() - cached.at < 55_000) return cached.value;
      const res = await fetch(`${upstreamUrl}/realtime/client_secrets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serverKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime' } }),
      });
      const body = (await res.json()) as { value?: string };
      if (res.status === 429) on429();
      // The app answers 500 to the browser; the upstream's retry-after is lost on the way.
      if (!res.ok || !body.value) throw new Error(`mint failed: ${res.status}`);
      cached = { value: body.value, at: Date.now() };
      return body.value;
    },
  };
}
