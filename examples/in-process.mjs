// @ts-check
/**
 * In-process pacing: one engine paces every SDK call a service makes, no gateway hop.
 *
 *   node examples/in-process.mjs
 *
 * Runs against a local simulator with a small TPM limit, so the pacing is visible. `pacer`
 * resolves as in an app that installed it: in this checkout, through package.json `exports`
 * (a package may import itself by name), so `npm run build` must have run.
 */
import OpenAI from 'openai';
import { createPacer, startSimulator } from 'pacer';

// A simulator with 6 000 TPM and a 60x time scale (a "minute" lasts one second).
const sim = await startSimulator({ port: 0, tpm: 6000, timeScale: 60, ttftMs: 0, tokensPerS: 100_000 });
const pacer = createPacer({ timeScale: 60, pools: { mini: { tpm: 6000, models: ['gpt-4o-mini'] } } });
const client = new OpenAI({ baseURL: sim.url, apiKey: 'sk-local', fetch: pacer.fetch, maxRetries: 0 });

try {
  // 30 requests of ~220 tokens each (above the per-minute budget): paced, not rejected.
  const started = Date.now();
  const results = await Promise.allSettled(
    Array.from({ length: 30 }, (_, i) =>
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `Request ${i}: say hi.` }],
        max_completion_tokens: 200,
      }),
    ),
  );
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const stats = sim.stats();
  console.log(`${ok}/30 succeeded in ${Date.now() - started} ms; upstream 429s: ${stats.rejected_429}`);
  console.log('pool:', JSON.stringify(pacer.engine.snapshot()[0]?.available));
  if (ok !== 30 || stats.rejected_429 !== 0) process.exitCode = 1;
} finally {
  pacer.close();
  await sim.close();
}
