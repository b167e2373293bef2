import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSse, SseDecoder, type SseEvent } from '../../../src/core/openai/sse.js';

const enc = new TextEncoder();

function decodeChunks(chunks: (Uint8Array | string)[]): SseEvent[] {
  const d = new SseDecoder();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...d.push(c));
  out.push(...d.end());
  return out;
}

function splitBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const STREAM =
  encodeSse('{"type":"response.created","sequence_number":0}', 'response.created') +
  encodeSse('{"delta":"héllo wörld 🚀 日本"}', 'response.output_text.delta') +
  encodeSse('[DONE]');
const EXPECTED: SseEvent[] = [
  { event: 'response.created', data: '{"type":"response.created","sequence_number":0}' },
  { event: 'response.output_text.delta', data: '{"delta":"héllo wörld 🚀 日本"}' },
  { data: '[DONE]' },
];

describe('encodeSse', () => {
  it('frames data-only and named events byte-exactly', () => {
    expect(encodeSse('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(encodeSse('{"a":1}', 'x.y')).toBe('event: x.y\ndata: {"a":1}\n\n');
  });
});

describe('SseDecoder', () => {
  it('decodes a whole buffer', () => {
    expect(decodeChunks([enc.encode(STREAM)])).toEqual(EXPECTED);
  });

  it('decodes 1-byte chunks, including UTF-8 sequences split across chunks', () => {
    expect(decodeChunks(splitBytes(enc.encode(STREAM), 1))).toEqual(EXPECTED);
  });

  it('decodes at every split point', () => {
    const bytes = enc.encode(STREAM);
    for (let i = 1; i < bytes.length; i++) {
      expect(decodeChunks([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(EXPECTED);
    }
  });

  it('accepts CRLF and lone CR line endings, even with CR and LF in separate chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    expect(decodeChunks([crlf])).toEqual(EXPECTED);
    expect(decodeChunks(splitBytes(enc.encode(crlf), 1))).toEqual(EXPECTED);
    const cr = STREAM.replace(/\n/g, '\r');
    expect(decodeChunks(splitBytes(enc.encode(cr), 1))).toEqual(EXPECTED);
    expect(decodeChunks(['data: a\r', '\n\r', '\ndata: b\r\n\r\n'])).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('ignores comments and unknown fields, joins multi-line data, keeps id', () => {
    const text = ': keep-alive\n\nretry: 10\nid: 7\nevent: e\ndata: line1\ndata: line2\n\n:comment only\n\n';
    expect(decodeChunks([text])).toEqual([{ event: 'e', data: 'line1\nline2', id: '7' }]);
  });

  it('handles fields without a space after the colon and without a colon (an empty data line still dispatches)', () => {
    expect(decodeChunks(['data:x\n\ndata\n\n'])).toEqual([{ data: 'x' }, { data: '' }]);
  });

  it('flushes a last event with no trailing blank line at end()', () => {
    expect(decodeChunks(['data: first\n\ndata: cut'])).toEqual([{ data: 'first' }, { data: 'cut' }]);
    expect(decodeChunks(['event: e\ndata: cut\n'])).toEqual([{ event: 'e', data: 'cut' }]);
  });

  it('property: any chunking of encoded events decodes to the same events', () => {
    const event = fc.record({
      data: fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\r\n]/g, ' ')),
      event: fc.option(fc.stringMatching(/^[a-z.]{1,12}$/), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (events, sizes) => {
          const bytes = enc.encode(events.map((e) => encodeSse(e.data, e.event)).join(''));
          const chunks: Uint8Array[] = [];
          let i = 0;
          let k = 0;
          while (i < bytes.length) {
            const n = sizes[k++ % sizes.length]!;
            chunks.push(bytes.subarray(i, i + n));
            i += n;
          }
          const got = decodeChunks(chunks);
          const want = events.map((e) =>
            e.event === undefined ? { data: e.data } : { event: e.event, data: e.data },
          );
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});
