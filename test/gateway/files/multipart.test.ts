import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/gateway/files/line-splitter.js';
import { MultipartScanner, boundaryOf, type PartInfo } from '../../../src/gateway/files/multipart-scanner.js';
import { UploadTooLargeError, createUploadInspector } from '../../../src/gateway/files/upload-inspector.js';

/** A body as fetch (and so the openai SDK) encodes FormData. */
async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const r = new Response(form);
  return { body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type')! };
}

interface Seen {
  info: PartInfo;
  data: Buffer;
  ended: boolean;
}

function scan(body: Buffer, contentType: string, chunks: Buffer[]): { parts: Seen[]; complete: boolean } {
  const parts: Seen[] = [];
  const s = new MultipartScanner(boundaryOf(contentType)!, {
    part: (info) => parts.push({ info, data: Buffer.alloc(0), ended: false }),
    data: (b) => {
      const p = parts[parts.length - 1]!;
      p.data = Buffer.concat([p.data, b]);
    },
    partEnd: () => void (parts[parts.length - 1]!.ended = true),
  });
  for (const c of chunks) s.push(c);
  s.end();
  expect(Buffer.concat(chunks)).toEqual(body);
  return { parts, complete: s.complete };
}

const TRICKY = Buffer.from(
  // Bytes that look like the start of a delimiter, a CRLF pair, a split UTF-8 character.
  '{"custom_id":"a","body":{"model":"gpt-4o-mini"}}\r\n\r\n--not-the-boundary\r\n--\r\n€ ünïcode\n',
);

describe('multipart scanner', () => {
  it('reads the boundary from the content type, quoted or not, and only for form data', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('Multipart/Form-Data;boundary="a b"; charset=x')).toBe('a b');
    expect(boundaryOf('application/json')).toBeUndefined();
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf(undefined)).toBeUndefined();
  });

  it('gives every part and its exact bytes, whatever the chunking', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([TRICKY]), 'in x.jsonl');
    form.append('expires_after[anchor]', 'created_at');
    const { body, contentType } = await encode(form);
    const expectParts = (got: { parts: Seen[]; complete: boolean }): void => {
      expect(got.complete).toBe(true);
      expect(got.parts.map((p) => [p.info.name, p.info.filename, p.data.toString('utf8'), p.ended])).toEqual([
        ['purpose', undefined, 'batch', true],
        ['file', 'in x.jsonl', TRICKY.toString('utf8'), true],
        ['expires_after[anchor]', undefined, 'created_at', true],
      ]);
    };
    expectParts(scan(body, contentType, [body]));
    expectParts(
      scan(
        body,
        contentType,
        [...body].map((b) => Buffer.from([b])),
      ),
    );
    for (let i = 0; i <= body.length; i++)
      expectParts(scan(body, contentType, [body.subarray(0, i), body.subarray(i)]));
    for (let size = 2; size < 90; size += 7) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
      expectParts(scan(body, contentType, chunks));
    }
  });

  it('says so when the body is cut before the closing delimiter, or is not multipart at all', async () => {
    const form = new FormData();
    form.append('file', new Blob([TRICKY]), 'a.jsonl');
    const { body, contentType } = await encode(form);
    const cut = scan(body.subarray(0, body.length - 10), contentType, [body.subarray(0, body.length - 10)]);
    expect(cut.complete).toBe(false);
    expect(cut.parts[0]!.ended).toBe(false);
    const junk = Buffer.alloc(70_000, 0x61);
    expect(scan(junk, contentType, [junk]).parts).toEqual([]);
  });
});

describe('line splitter', () => {
  it('splits LF and CRLF lines, drops a BOM, decodes UTF-8 split across chunks, keeps a last line', () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('one\r\ntwo €\n\nthree')]);
    for (let i = 0; i <= text.length; i++) {
      const lines: [string, number][] = [];
      const s = new LineSplitter((t, n) => lines.push([t, n]));
      s.push(text.subarray(0, i));
      s.push(text.subarray(i));
      s.end();
      expect(lines).toEqual([
        ['one', 3],
        ['two €', 7],
        ['', 0],
        ['three', 5],
      ]);
    }
  });
});

describe('upload inspector', () => {
  const line = (id: string, model: string, extra = '') =>
    `{"custom_id":"${id}","method":"POST","url":"/v1/chat/completions","body":{"model":"${model}","messages":[{"role":"user","content":"hi"}]${extra}}}`;

  async function inspect(form: FormData, cap = 1 << 20, chunk = 13) {
    const { body, contentType } = await encode(form);
    const inspector = createUploadInspector(contentType, cap);
    const passed: Buffer[] = [];
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += chunk) chunks.push(body.subarray(i, i + chunk));
    const error = await pipeline(
      Readable.from(chunks),
      inspector.stream,
      async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) passed.push(c);
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { body, passed: Buffer.concat(passed), error, result: inspector.result() };
  }

  it('passes the upload through unchanged and summarizes the batch lines it carries', async () => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([
        [
          line('a', 'gpt-4o-mini', ',"max_tokens":10'),
          line('b', 'o1-pro', ',"max_completion_tokens":20'),
          'not json',
          line('c', 'gpt-4o-mini'),
          '',
        ].join('\n'),
      ]),
      'in.jsonl',
    );
    form.append('purpose', 'batch');
    const { body, passed, error, result } = await inspect(form);
    expect(error).toBeUndefined();
    expect(passed).toEqual(body);
    expect(result.purpose).toBe('batch');
    expect(result.bytes).toBe(body.length);
    expect(result.file).toMatchObject({
      models: ['gpt-4o-mini', 'o1-pro'],
      endpoints: ['/v1/chat/completions'],
      lines: 4,
      invalidLines: 1,
      complete: true,
    });
    const bytes = [
      line('a', 'gpt-4o-mini', ',"max_tokens":10'),
      line('b', 'o1-pro', ',"max_completion_tokens":20'),
      line('c', 'gpt-4o-mini'),
    ].map((l) => Math.ceil(Buffer.byteLength(l) / 4));
    expect(result.file!.estimatedTokens).toBe(bytes[0]! + 10 + bytes[1]! + 20 + bytes[2]!);
  });

  it('fails the stream with UploadTooLargeError past the cap', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([line('a', 'gpt-4o-mini').repeat(100)]), 'in.jsonl');
    const { error, result } = await inspect(form, 1000);
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect(result.overCap).toBe(true);
    expect(result.file).toBeUndefined();
  });

  it('reads nothing from a body that is not multipart', async () => {
    const inspector = createUploadInspector('application/octet-stream', 1000);
    inspector.stream.end(Buffer.from(line('a', 'o1-pro')));
    inspector.stream.resume();
    await new Promise((r) => inspector.stream.once('end', r));
    expect(inspector.result()).toMatchObject({ file: undefined, purpose: undefined, overCap: false });
  });
});
