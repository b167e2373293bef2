/**
 * Micro-benchmark of estimate(): µs per call and µs per 1k input tokens on typical bodies.
 * Run: `npm run build && node dist/bench/micro/estimate.js`.
 */
import { performance } from 'node:perf_hooks';
import { findModel } from '../../core/models.js';
import { estimate, type Route } from '../../core/tokens/estimate.js';
import { clearTokenCountCache } from '../../core/tokens/count-cache.js';

const model = findModel('gpt-4o-mini')!;
const embModel = findModel('text-embedding-3-small')!;
const prose = 'The quick brown fox jumps over the lazy dog while the gateway paces tokens per minute. ';
const text = (tokensApprox: number): string => prose.repeat(Math.max(1, Math.round(tokensApprox / 18)));

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
        required: ['city'],
      },
    },
  },
];

const cases: { name: string; route: Route; body: unknown; model: typeof model }[] = [
  {
    name: 'chat small (1 msg)',
    route: 'chat',
    body: {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello in five words.' }],
      max_tokens: 64,
    },
    model,
  },
  {
    name: 'chat medium (6 msgs, ~600 tok)',
    route: 'chat',
    body: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: text(100) },
        ...Array.from({ length: 5 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: text(100) })),
      ],
      max_tokens: 256,
    },
    model,
  },
  {
    name: 'chat + tools',
    route: 'chat',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools },
    model,
  },
  {
    name: 'chat large (~8k tok)',
    route: 'chat',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text(8000) }], max_tokens: 512 },
    model,
  },
  {
    name: 'chat huge (~40k tok, sampled)',
    route: 'chat',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text(40_000) }], max_tokens: 512 },
    model,
  },
  {
    name: 'responses (~1k tok)',
    route: 'responses',
    body: { model: 'gpt-4o-mini', instructions: 'Be brief.', input: text(1000), max_output_tokens: 128 },
    model,
  },
  {
    name: 'embeddings 16 x ~60 tok',
    route: 'embeddings',
    body: { model: 'text-embedding-3-small', input: Array.from({ length: 16 }, () => text(60)) },
    model: embModel,
  },
];

function bench(run: () => void, minMs = 300): { perCallUs: number; calls: number } {
  for (let i = 0; i < 50; i++) run(); // warm up
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 20; i++) run();
    calls += 20;
    t = performance.now();
  }
  return { perCallUs: ((t - t0) * 1000) / calls, calls };
}

console.log('estimate() micro-benchmark (node ' + process.version + ')');
console.log(
  'cold = every string tokenized (cache cleared each call); warm = text seen before (multi-turn chat, shared system prompts)',
);
console.log(
  'case'.padEnd(34) +
    'input tok'.padStart(10) +
    'cold µs'.padStart(10) +
    'µs/1k tok'.padStart(11) +
    'warm µs'.padStart(10) +
    'µs/1k tok'.padStart(11),
);
for (const c of cases) {
  const e = estimate(c.route, c.body, c.model);
  const cold = bench(() => {
    clearTokenCountCache();
    estimate(c.route, c.body, c.model);
  });
  const warm = bench(() => estimate(c.route, c.body, c.model));
  const per1k = (us: number): string => ((us / e.input) * 1000).toFixed(2).padStart(11);
  console.log(
    c.name.padEnd(34) +
      String(e.input).padStart(10) +
      cold.perCallUs.toFixed(2).padStart(10) +
      per1k(cold.perCallUs) +
      warm.perCallUs.toFixed(2).padStart(10) +
      per1k(warm.perCallUs),
  );
}
