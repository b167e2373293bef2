/**
 * Micro-benchmark of estimate(): µs per call and µs per 1k input tokens on typical bodies.
 * Run: `npm run build && node dist/bench/micro/estimate.js`.
 */
import { performance } from 'node:perf_hooks';
import { findModel } from '../../core/models.js';
import { estimate, type Route } from '../../core/tokens/estimate.js';
import { clearTokenCountCache } from '../../core/tokens/count-cache.js';

const model = findModel('gpt-4o-mini')!;
const gpt41mini = findModel('gpt-4.1-mini')!;
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

/** A PNG header (1800x2400) and a JPEG with a 60 KB EXIF segment before its frame, padded to ~1 MB. */
const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const pad = (bytes: number[], total: number): string =>
  Buffer.concat([Buffer.from(bytes), Buffer.alloc(total - bytes.length, 0x5a)]).toString('base64');
const pngUrl =
  'data:image/png;base64,' +
  pad(
    [
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...u32(13),
      0x49,
      0x48,
      0x44,
      0x52,
      ...u32(1800),
      ...u32(2400),
    ],
    1 << 20,
  );
const exif = 60_000;
const jpegUrl =
  'data:image/jpeg;base64,' +
  pad(
    [
      0xff,
      0xd8,
      0xff,
      0xe1,
      (exif + 2) >> 8,
      (exif + 2) & 255,
      ...new Array<number>(exif).fill(0),
      0xff,
      0xc0,
      0x00,
      0x11,
      8,
      3024 >> 8,
      3024 & 255,
      4032 >> 8,
      4032 & 255,
    ],
    1 << 20,
  );
const imageBody = (url: string, m: string) => ({
  model: m,
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url } },
      ],
    },
  ],
  max_tokens: 256,
});
/** 20 s of 24 kHz mono PCM16 WAV (~1.3 MB of base64). */
const wav = Buffer.concat([
  Buffer.from([
    ...Buffer.from('RIFF'),
    0,
    0,
    0,
    0,
    ...Buffer.from('WAVEfmt '),
    16,
    0,
    0,
    0,
    1,
    0,
    1,
    0,
    0xc0,
    0x5d,
    0,
    0,
    0x80,
    0xbb,
    0,
    0,
    2,
    0,
    16,
    0,
    ...Buffer.from('data'),
    0x00,
    0xa6,
    0x0e,
    0,
  ]),
  Buffer.alloc(960_000, 1),
]).toString('base64');
const schema = {
  type: 'object',
  properties: {
    title: { type: 'string', description: 'A short title' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          qty: { type: 'integer' },
          unit: { type: 'string', enum: ['g', 'kg', 'ml', 'l'] },
        },
        required: ['name', 'qty', 'unit'],
        additionalProperties: false,
      },
    },
  },
  required: ['title', 'items'],
  additionalProperties: false,
};

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
    name: 'image: 1 MB PNG data URL (4o-mini)',
    route: 'chat',
    body: imageBody(pngUrl, 'gpt-4o-mini'),
    model,
  },
  {
    name: 'image: 1 MB JPEG, 60 KB EXIF (4.1-mini)',
    route: 'chat',
    body: imageBody(jpegUrl, 'gpt-4.1-mini'),
    model: gpt41mini,
  },
  {
    name: 'image: remote URL (4o-mini)',
    route: 'chat',
    body: imageBody('https://example.com/cat.jpg', 'gpt-4o-mini'),
    model,
  },
  {
    name: 'audio: 20 s WAV (1.3 MB base64)',
    route: 'chat',
    body: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: [{ type: 'input_audio', input_audio: { data: wav, format: 'wav' } }] },
      ],
      max_tokens: 256,
    },
    model,
  },
  {
    name: 'chat + json_schema response_format',
    route: 'chat',
    body: {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'A shopping list for pancakes.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'list', strict: true, schema } },
      max_tokens: 256,
    },
    model,
  },
  {
    name: 'responses + text.format schema',
    route: 'responses',
    body: {
      model: 'gpt-4o-mini',
      input: 'A shopping list for pancakes.',
      text: { format: { type: 'json_schema', name: 'list', strict: true, schema } },
      max_output_tokens: 256,
    },
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

function bench(run: () => void, minMs = 200): { perCallUs: number; calls: number } {
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
  const per1k = (us: number): string => ((us / Math.max(1, e.input)) * 1000).toFixed(2).padStart(11);
  console.log(
    c.name.padEnd(40) +
      String(e.input).padStart(10) +
      cold.perCallUs.toFixed(2).padStart(10) +
      per1k(cold.perCallUs) +
      warm.perCallUs.toFixed(2).padStart(10) +
      per1k(warm.perCallUs),
  );
}
