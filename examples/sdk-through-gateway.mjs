// @ts-check
/**
 * The official OpenAI SDK through the Pacer gateway: only baseURL and apiKey change.
 *
 *   npm start                                   # in another terminal (demo mode), then
 *   PACER_BASE_URL=http://127.0.0.1:8787/v1 node examples/sdk-through-gateway.mjs
 *
 * Without PACER_BASE_URL it starts a demo gateway (embedded simulator) of its own. `pacer`
 * resolves through package.json `exports`, as in an app that installed it.
 */
import OpenAI from 'openai';
import { startGateway } from 'pacer';

const own = process.env['PACER_BASE_URL']
  ? null
  : await startGateway({ port: 0, env: { PACER_LOG_REQUESTS: 'false' } });
const baseURL = process.env['PACER_BASE_URL'] || own?.url;
const client = new OpenAI({ baseURL, apiKey: process.env.PACER_KEY ?? 'pacer-demo-key' });

try {
  const { data, response } = await client.chat.completions
    .create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello in five words.' }],
      max_completion_tokens: 20,
    })
    .withResponse();
  console.log('chat:', data.choices[0]?.message.content);
  console.log(
    '  model used:',
    response.headers.get('x-pacer-model'),
    '| queued ms:',
    response.headers.get('x-pacer-queue-ms'),
    '| estimated tokens:',
    response.headers.get('x-pacer-estimated-tokens'),
  );

  const stream = await client.responses.create({
    model: 'gpt-4o-mini',
    input: 'Count to five.',
    max_output_tokens: 40,
    stream: true,
  });
  let text = '';
  for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
  console.log('responses (streamed):', text);

  const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'pacing' });
  console.log('embedding dims:', emb.data[0]?.embedding.length);

  // Interactive traffic can say so; a deadline turns a long queue into a fast 429 with retry-after.
  const urgent = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }], max_completion_tokens: 5 },
    { headers: { 'x-pacer-priority': 'interactive', 'x-pacer-deadline-ms': '2000' } },
  );
  console.log('interactive:', urgent.choices[0]?.finish_reason);
} finally {
  await own?.close();
}
