import { describe, expect, it } from 'vitest';
import { findModel } from '../../../src/core/models.js';
import { estimate } from '../../../src/core/tokens/estimate.js';
import { imageSizeOfDataUrl } from '../../../src/core/tokens/image-size.js';
import { base64View } from '../../../src/core/tokens/base64.js';
import { countTokens } from '../../../src/core/tokens/tokenizer.js';

/** Header bytes written by hand from each format's specification, then padded with junk. */
const u32be = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16le = (n: number): number[] => [n & 255, (n >>> 8) & 255];
const u24le = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const dataUrl = (mime: string, bytes: number[], tail = 300): string =>
  `data:${mime};base64,${Buffer.from([...bytes, ...new Array<number>(tail).fill(0x5a)]).toString('base64')}`;

function png(w: number, h: number): number[] {
  // Signature, IHDR length 13, "IHDR", width, height, bit depth 8, colour type 6, ...
  return [
    0x89,
    ...ascii('PNG'),
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...u32be(13),
    ...ascii('IHDR'),
    ...u32be(w),
    ...u32be(h),
    8,
    6,
    0,
    0,
    0,
  ];
}

function jpeg(w: number, h: number, app1Bytes: number): number[] {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  // An EXIF-sized APP1 segment the parser must skip by its length, not read.
  const app1 = [
    0xff,
    0xe1,
    (app1Bytes + 2) >> 8,
    (app1Bytes + 2) & 255,
    ...new Array<number>(app1Bytes).fill(0xab),
  ];
  const dqt = [0xff, 0xdb, 0x00, 0x04, 0x00, 0x01];
  // SOF2 (progressive): length 17, precision 8, height, width, 3 components.
  const sof = [
    0xff,
    0xc2,
    0x00,
    0x11,
    8,
    h >> 8,
    h & 255,
    w >> 8,
    w & 255,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return [0xff, 0xd8, ...app0, ...app1, ...dqt, ...sof, 0xff, 0xda];
}

describe('image size from a data URL header', () => {
  it('reads PNG, GIF, JPEG and the three WebP flavours', () => {
    expect(imageSizeOfDataUrl(dataUrl('image/png', png(1800, 2400)))).toEqual({ width: 1800, height: 2400 });
    expect(
      imageSizeOfDataUrl(dataUrl('image/gif', [...ascii('GIF89a'), ...u16le(640), ...u16le(480)])),
    ).toEqual({
      width: 640,
      height: 480,
    });
    expect(imageSizeOfDataUrl(dataUrl('image/jpeg', jpeg(4032, 3024, 20_000)))).toEqual({
      width: 4032,
      height: 3024,
    });
    const riff = (chunk: string, body: number[]): number[] => [
      ...ascii('RIFF'),
      ...u32be(0),
      ...ascii('WEBP'),
      ...ascii(chunk),
      ...u32be(0),
      ...body,
    ];
    // VP8: frame tag (3 bytes), start code 9d 01 2a, 14-bit width and height.
    expect(
      imageSizeOfDataUrl(
        dataUrl('image/webp', riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(1024), ...u16le(768)])),
      ),
    ).toEqual({ width: 1024, height: 768 });
    // VP8L: 0x2f, then (width - 1) and (height - 1) in 14 bits each, little-endian bit order.
    const w = 300 - 1;
    const h = 200 - 1;
    const bits = w | (h << 14);
    expect(
      imageSizeOfDataUrl(
        dataUrl(
          'image/webp',
          riff('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255]),
        ),
      ),
    ).toEqual({ width: 300, height: 200 });
    // VP8X: flags (4 bytes), then (width - 1) and (height - 1) as 24-bit little-endian.
    expect(
      imageSizeOfDataUrl(dataUrl('image/webp', riff('VP8X', [0, 0, 0, 0, ...u24le(4999), ...u24le(2999)]))),
    ).toEqual({ width: 5000, height: 3000 });
  });

  it('goes by the magic bytes, not the declared type, and gives up on anything else', () => {
    expect(imageSizeOfDataUrl(dataUrl('image/jpeg', png(10, 20)))).toEqual({ width: 10, height: 20 });
    expect(imageSizeOfDataUrl('https://example.com/cat.png')).toBeUndefined();
    expect(imageSizeOfDataUrl('data:image/png,not-base64')).toBeUndefined();
    expect(imageSizeOfDataUrl(dataUrl('image/png', ascii('not an image at all')))).toBeUndefined();
    expect(imageSizeOfDataUrl(dataUrl('image/png', png(0, 20)))).toBeUndefined();
    // Truncated after the signature, a JPEG with no frame before the scan, a corrupt marker.
    expect(
      imageSizeOfDataUrl(`data:image/png;base64,${Buffer.from(png(5, 5).slice(0, 18)).toString('base64')}`),
    ).toBeUndefined();
    expect(imageSizeOfDataUrl(dataUrl('image/jpeg', [0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeUndefined();
    expect(imageSizeOfDataUrl(dataUrl('image/jpeg', [0xff, 0xd8, 0x12, 0x34]))).toBeUndefined();
  });

  it('decodes base64 at random offsets exactly like Buffer does', () => {
    const bytes = Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 255);
    for (const n of [1, 2, 3, 4, 5, 999, 1000]) {
      const b64 = Buffer.from(bytes.slice(0, n)).toString('base64');
      const v = base64View(b64, 0);
      expect(v.length).toBe(n);
      for (let i = 0; i < n; i++) expect(v.byte(i)).toBe(bytes[i]);
      expect(v.byte(n)).toBe(-1);
    }
  });
});

describe('images in estimate()', () => {
  const X = { charFloor: false };
  const image = (url: string, detail?: string) => ({
    messages: [
      { role: 'user', content: [{ type: 'image_url', image_url: detail ? { url, detail } : { url } }] },
    ],
    max_tokens: 1,
  });
  const framing = 3 + 1 + 3;

  it('prices a PNG read from its header by the model rule', () => {
    const url = dataUrl('image/png', png(1800, 2400), 50_000);
    // gpt-4.1-mini: 1452 patches (the guide's example) x 1.62.
    expect(estimate('chat', image(url), findModel('gpt-4.1-mini')!, X).input).toBe(
      framing + Math.ceil(1452 * 1.62),
    );
    // gpt-4o: 1800x2400 -> 768x1024 -> 2 x 2 tiles.
    expect(estimate('chat', image(url), findModel('gpt-4o')!, X).input).toBe(framing + 85 + 4 * 170);
    expect(estimate('chat', image(url, 'low'), findModel('gpt-4o')!, X).input).toBe(framing + 85);
    // The base64 is never counted as text (not even by the character floor).
    expect(estimate('chat', image(url), findModel('gpt-4o')!).reservedInput).toBe(framing + 765);
  });

  it('reads Responses input_image parts (image_url string, detail on the part)', () => {
    const url = dataUrl('image/jpeg', jpeg(512, 512, 100));
    const body = {
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'what is it?' },
            { type: 'input_image', image_url: url, detail: 'high' },
            { type: 'input_image', file_id: 'file-abc', detail: 'low' },
          ],
        },
      ],
      max_output_tokens: 1,
    };
    // 3 reply priming + 3 per message + 1 role + text + 1-tile image (75 + 150) + low detail (75).
    expect(estimate('responses', body, findModel('o3')!, X).input).toBe(
      3 + 3 + 1 + countTokens('what is it?') + 75 + 150 + 75,
    );
  });
});
