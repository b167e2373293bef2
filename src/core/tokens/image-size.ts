/**
 * Width and height of an image in a base64 data URL, from its header bytes only (PNG, GIF,
 * WebP, JPEG: the formats the API accepts). The format is told by its magic bytes, not by the
 * declared media type. Nothing is decoded beyond the header: a JPEG's segments are skipped by
 * their lengths until the frame header, so a multi-megabyte photo costs a few dozen byte reads.
 */
import { base64View, be16, be32, dataUrlPayload, hasAscii, le16, type Base64View } from './base64.js';

export interface ImageSize {
  width: number;
  height: number;
}

/** Segments walked in a JPEG before giving up (real files have well under 20 before SOF). */
const MAX_JPEG_SEGMENTS = 64;

export function imageSizeOfDataUrl(url: string): ImageSize | undefined {
  const start = dataUrlPayload(url);
  if (start < 0) return undefined;
  const v = base64View(url, start);
  const size = png(v) ?? gif(v) ?? webp(v) ?? jpeg(v);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

/** Signature, then the IHDR chunk: width and height as big-endian 32-bit at 16 and 20. */
function png(v: Base64View): ImageSize | undefined {
  if (v.byte(0) !== 0x89 || !hasAscii(v, 1, 'PNG') || !hasAscii(v, 12, 'IHDR')) return undefined;
  const width = be32(v, 16);
  const height = be32(v, 20);
  return width < 0 || height < 0 ? undefined : { width, height };
}

/** "GIF87a" / "GIF89a", then the logical screen size as little-endian 16-bit. */
function gif(v: Base64View): ImageSize | undefined {
  if (!hasAscii(v, 0, 'GIF8')) return undefined;
  const width = le16(v, 6);
  const height = le16(v, 8);
  return width < 0 || height < 0 ? undefined : { width, height };
}

/** RIFF/WEBP with a lossy (VP8), lossless (VP8L) or extended (VP8X) first chunk. */
function webp(v: Base64View): ImageSize | undefined {
  if (!hasAscii(v, 0, 'RIFF') || !hasAscii(v, 8, 'WEBP')) return undefined;
  if (hasAscii(v, 12, 'VP8 ')) {
    // Key frame start code 9d 01 2a, then 14-bit width and height.
    if (v.byte(23) !== 0x9d || v.byte(24) !== 0x01 || v.byte(25) !== 0x2a) return undefined;
    const w = le16(v, 26);
    const h = le16(v, 28);
    return w < 0 || h < 0 ? undefined : { width: w & 0x3fff, height: h & 0x3fff };
  }
  if (hasAscii(v, 12, 'VP8L')) {
    if (v.byte(20) !== 0x2f) return undefined;
    const b0 = v.byte(21);
    const b1 = v.byte(22);
    const b2 = v.byte(23);
    const b3 = v.byte(24);
    if (b0 < 0 || b1 < 0 || b2 < 0 || b3 < 0) return undefined;
    return {
      width: 1 + (((b1 & 0x3f) << 8) | b0),
      height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    };
  }
  if (hasAscii(v, 12, 'VP8X')) {
    const w = le24(v, 24);
    const h = le24(v, 27);
    return w < 0 || h < 0 ? undefined : { width: w + 1, height: h + 1 };
  }
  return undefined;
}

function le24(v: Base64View, i: number): number {
  const lo = le16(v, i);
  const hi = v.byte(i + 2);
  return lo < 0 || hi < 0 ? -1 : lo | (hi << 16);
}

/**
 * SOI, then marker segments (FF xx + big-endian length) up to a start-of-frame marker
 * (C0-CF except C4 DHT, C8 JPG, CC DAC), which holds height then width after the precision.
 */
function jpeg(v: Base64View): ImageSize | undefined {
  if (v.byte(0) !== 0xff || v.byte(1) !== 0xd8) return undefined;
  let at = 2;
  for (let n = 0; n < MAX_JPEG_SEGMENTS; n++) {
    if (v.byte(at) !== 0xff) return undefined;
    let marker = v.byte(at + 1);
    // Fill bytes (FF FF ...) may pad a marker; a few at most in real files.
    for (let fill = 0; marker === 0xff && fill < 16; fill++) marker = v.byte(++at + 1);
    if (marker < 0 || marker === 0xff) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = be16(v, at + 5);
      const width = be16(v, at + 7);
      return width < 0 || height < 0 ? undefined : { width, height };
    }
    // Start of scan (entropy-coded data follows) or end of image: no frame header before it.
    if (marker === 0xda || marker === 0xd9) return undefined;
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const len = be16(v, at + 2);
    if (len < 2) return undefined;
    at += 2 + len;
  }
  return undefined;
}
