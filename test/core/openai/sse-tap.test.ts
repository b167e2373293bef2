import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSse, SseDecoder } from '../../../src/core/openai/sse.js';
import { SseTap } from '../../../src/core/openai/sse-tap.js';
import { isTerminalSseEvent, usageFromSseEvent, type UsageRoute } from '../../../src/core/openai/usage.js';

/** The reference: every event decoded and inspected (what the relay did before the tap). */
function reference(route: UsageRoute, bytes: Buffer) {
  const d = new SseDecoder();
  const events = [...d.push(bytes), ...d.end()];
  let usage = null;
  let complete = false;
  for (const ev of events) {
    usage = usageFromSseEvent(route, ev) ?? usage;
    complete ||= isTerminalSseEvent(route, ev);
  }
  return { events: events.length, usage, complete };
}

function tapped(route: UsageRoute, chunks: Buffer[], end = true) {
  const t = new SseTap(route);
  for (const c of chunks) t.push(c);
  if (end) t.end();
  return { events: t.events, usage: t.usage, complete: t.complete };
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out.filter((b) => b.length > 0);
}

// Text that looks like markers but is content: JSON-escaped inside a delta, it must not count.
const TRICKY = [
  'hello',
  ' wörld 🚀',
  '"usage":{"prompt_tokens":1}',
  '[DONE]',
  'response.completed',
  'data: x\n\n',
];
const usageObj = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

function chatStream(deltas: string[], o: { usage: boolean; done: boolean; comments: boolean }): string {
  const chunk = (delta: object, extra: object = {}) =>
    encodeSse(
      JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta }], ...extra }),
    );
  let s = chunk({ role: 'assistant', content: '' }, o.usage ? { usage: null } : {});
  for (const d of deltas) {
    if (o.comments) s += ': keep-alive\n\n';
    s += chunk({ content: d }, o.usage ? { usage: null } : {});
  }
  if (o.usage) s += encodeSse(JSON.stringify({ id: 'c1', choices: [], usage: usageObj }));
  if (o.done) s += encodeSse('[DONE]');
  return s;
}

function responsesStream(deltas: string[], o: { terminal: string | null }): string {
  let seq = 0;
  const ev = (type: string, body: object) =>
    encodeSse(JSON.stringify({ type, sequence_number: seq++, ...body }), type);
  let s = ev('response.created', { response: { id: 'resp_1', status: 'in_progress', usage: null } });
  for (const d of deltas) s += ev('response.output_text.delta', { delta: d });
  if (o.terminal)
    s += ev(o.terminal, {
      response: {
        id: 'resp_1',
        usage: { input_tokens: 9, output_tokens: deltas.length, total_tokens: 9 + deltas.length },
      },
    });
  return s;
}

describe('SseTap', () => {
  it('finds the chat usage, [DONE] and every event, as the full decoder does', () => {
    const bytes = Buffer.from(chatStream(TRICKY, { usage: true, done: true, comments: true }));
    const want = reference('chat', bytes);
    expect(want).toMatchObject({
      events: TRICKY.length + 3,
      complete: true,
      usage: { input: 12, output: 5 },
    });
    expect(tapped('chat', [bytes])).toEqual(want);
  });

  it('agrees with the full decoder however the bytes are split (every 1-byte cut, CRLF too)', () => {
    for (const crlf of [false, true]) {
      let text = chatStream(['a', 'é', '"usage":{}'], { usage: true, done: true, comments: false });
      if (crlf) text = text.replaceAll('\n', '\r\n');
      const bytes = Buffer.from(text);
      const want = reference('chat', bytes);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
        expect(tapped('chat', chunks)).toEqual(want);
        // A whole stream is read as its events arrive, not only at its end.
        expect(tapped('chat', chunks, false)).toEqual(want);
      }
      expect(
        tapped(
          'chat',
          splitAt(
            bytes,
            Array.from({ length: bytes.length }, (_, i) => i),
          ),
        ),
      ).toEqual(want);
    }
  });

  it('agrees with the full decoder on random streams, cuts and endings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', maxLength: 12 })), {
          maxLength: 12,
        }),
        fc.record({
          usage: fc.boolean(),
          done: fc.boolean(),
          comments: fc.boolean(),
          route: fc.constantFrom<UsageRoute>('chat', 'responses'),
          terminal: fc.constantFrom(null, 'response.completed', 'response.incomplete', 'response.failed'),
          cutTail: fc.nat({ max: 40 }),
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (deltas, o, cuts) => {
          let text = o.route === 'chat' ? chatStream(deltas, o) : responsesStream(deltas, o);
          // A stream cut short: its last event may be partial or lack its blank line.
          text = text.slice(0, Math.max(0, text.length - o.cutTail));
          const bytes = Buffer.from(text);
          expect(tapped(o.route, splitAt(bytes, cuts))).toEqual(reference(o.route, bytes));
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });
});
