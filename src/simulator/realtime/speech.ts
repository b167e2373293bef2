import type { Rng } from '../../core/clock.js';

/** Deterministic assistant replies and the PCM16 audio that "speaks" them. */

const WORDS = (
  'sure here is a quick answer the simulator keeps this reply short and steady so that pacing usage and ' +
  'rate limits can be tested without a network every word arrives on time and the audio follows along ' +
  'with a soft tone that stands in for a voice thanks for asking let me know if you want more detail'
).split(' ');

/** A reply of `words` words drawn from the session's seeded stream. */
export function composeReply(rng: Rng, words: number): string[] {
  const out: string[] = [];
  let sentence = 0;
  for (let i = 0; i < words; i++) {
    let w = WORDS[Math.floor(rng.next() * WORDS.length)]!;
    if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
    sentence++;
    const end = i === words - 1 || (sentence > 6 && rng.next() < 0.2);
    if (end) sentence = 0;
    out.push((i === 0 ? '' : ' ') + w + (end ? '.' : ''));
  }
  return out;
}

/** 24 kHz mono PCM16: one spoken word lasts about 0.3 s at speed 1. */
export const SAMPLE_RATE = 24_000;
export const WORD_SECONDS = 0.3;

const cache = new Map<number, string>();

/** Base64 of `ms` of a quiet 440 Hz tone (cached per length: no per-event allocation). */
export function toneBase64(ms: number): string {
  const key = Math.max(10, Math.round(ms / 10) * 10);
  let b64 = cache.get(key);
  if (b64 === undefined) {
    const samples = Math.round((SAMPLE_RATE * key) / 1000);
    const buf = Buffer.alloc(samples * 2);
    for (let i = 0; i < samples; i++)
      buf.writeInt16LE(Math.round(1200 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)), i * 2);
    b64 = buf.toString('base64');
    if (cache.size < 64) cache.set(key, b64);
  }
  return b64;
}
