import OpenAI from 'openai';
import { afterEach } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { startSimulator, type SimOptions } from '../../src/simulator/index.js';

type Running = Awaited<ReturnType<typeof startSimulator>>;

/** Starts a simulator on port 0 for one test; closed after each test. */
export function useSimulator(): {
  start(options?: SimOptions, clock?: Clock): Promise<{ sim: Running; client: OpenAI }>;
} {
  const running: Running[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  return {
    /** A manual clock makes sub-minute slices independent of how loaded the machine is. */
    async start(options: SimOptions = {}, clock?: Clock) {
      const sim = await startSimulator(
        { port: 0, ttftMs: 0, tokensPerS: 0, ...options },
        clock ? { clock } : {},
      );
      running.push(sim);
      const client = new OpenAI({ baseURL: sim.url, apiKey: 'sk-test-key-123456', maxRetries: 0 });
      return { sim, client };
    },
  };
}

export async function rawPost(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
  });
}
