/**
 * Random access into base64 text without decoding all of it: media headers (image size, WAV
 * duration) sit in the first bytes or behind a few skippable segments, and a data URL can be
 * megabytes. Reading byte i decodes only the 4-character group that holds it.
 */
const DECODE = new Int16Array(128).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export interface Base64View {
  /** Decoded length in bytes (padding excluded). */
  readonly length: number;
  /** Byte i, or -1 past the end or on a character that is not base64. */
  byte(i: number): number;
}

function sextet(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c < 128 ? (DECODE[c] as number) : -1;
}

/** A view of the base64 payload of `text` from character `start` to its end. */
export function base64View(text: string, start: number): Base64View {
  let end = text.length;
  while (end > start && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const chars = end - start;
  const length = Math.floor((chars * 3) / 4);
  return {
    length,
    byte(i: number): number {
      if (i < 0 || i >= length) return -1;
      const group = start + Math.floor(i / 3) * 4;
      const a = sextet(text, group);
      const b = sextet(text, group + 1);
      if (a < 0 || b < 0) return -1;
      const k = i % 3;
      if (k === 0) return ((a << 2) | (b >> 4)) & 0xff;
      const c = sextet(text, group + 2);
      if (c < 0) return -1;
      if (k === 1) return ((b << 4) | (c >> 2)) & 0xff;
      const d = sextet(text, group + 3);
      return d < 0 ? -1 : ((c << 6) | d) & 0xff;
    },
  };
}

/** Big-endian 16-bit value at i, or -1. */
export function be16(v: Base64View, i: number): number {
  const a = v.byte(i);
  const b = v.byte(i + 1);
  return a < 0 || b < 0 ? -1 : (a << 8) | b;
}

/** Little-endian 16-bit value at i, or -1. */
export function le16(v: Base64View, i: number): number {
  const a = v.byte(i);
  const b = v.byte(i + 1);
  return a < 0 || b < 0 ? -1 : a | (b << 8);
}

/** Big-endian 32-bit value at i (as a non-negative number), or -1. */
export function be32(v: Base64View, i: number): number {
  const hi = be16(v, i);
  const lo = be16(v, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 65536 + lo;
}

/** Little-endian 32-bit value at i (as a non-negative number), or -1. */
export function le32(v: Base64View, i: number): number {
  const lo = le16(v, i);
  const hi = le16(v, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 65536 + lo;
}

/** True when the bytes at i spell `ascii`. */
export function hasAscii(v: Base64View, i: number, ascii: string): boolean {
  for (let k = 0; k < ascii.length; k++) if (v.byte(i + k) !== ascii.charCodeAt(k)) return false;
  return true;
}

/**
 * The base64 payload of a `data:...;base64,` URL: where it starts in the string, or -1 when the
 * URL is not base64 data (a remote URL, or a file id).
 */
export function dataUrlPayload(url: string): number {
  if (!url.startsWith('data:')) return -1;
  const comma = url.indexOf(',', 5);
  // The media type and parameters are short; a comma far in is not a data URL header.
  if (comma === -1 || comma > 256) return -1;
  return url.lastIndexOf(';base64', comma) === comma - 7 ? comma + 1 : -1;
}
