/**
 * Input audio tokens from the clip's duration, never from its base64 text (20 s of WAV is
 * ~850 KB of base64: ~300k tokens as text, ~200 as audio).
 *
 * Rate: "Audio tokens in user messages are 1 token per 100 ms of audio" (OpenAI, Realtime API
 * "Managing costs", https://platform.openai.com/docs/guides/realtime-costs); the chat audio
 * models (gpt-4o-audio-preview, gpt-audio) are the same audio tokenizer, and forum measurements
 * of input audio agree (~10 tokens per second, shared/openai-api.md §6.8).
 */
import { base64View, hasAscii, le32, type Base64View } from './base64.js';

export const AUDIO_TOKENS_PER_SECOND = 10;
/**
 * MP3 is not parsed: its duration is its size at 32 kbps (4000 bytes/s), at or below the rate
 * of common speech encodings (32-128 kbps), so the estimate errs high (4x for 128 kbps);
 * settling on the real usage returns the difference.
 */
export const MP3_BYTES_PER_SECOND = 4000;
/** A WAV whose header cannot be read: 8 kHz 8-bit mono (G.711), the smallest common PCM rate. */
export const WAV_FALLBACK_BYTES_PER_SECOND = 8000;
/** Chunks walked in a RIFF header before giving up. */
const MAX_WAV_CHUNKS = 32;

/** Tokens of one base64 clip in `format` ('wav', 'mp3', or anything else: as MP3). */
export function audioTokens(base64: string, format: string | undefined): number {
  const v = base64View(base64, 0);
  if (v.length === 0) return 0;
  const seconds =
    format === 'wav'
      ? (wavSeconds(v) ?? v.length / WAV_FALLBACK_BYTES_PER_SECOND)
      : v.length / MP3_BYTES_PER_SECOND;
  return Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
}

/**
 * Duration of a RIFF/WAVE clip: the `data` chunk's size over the `fmt ` chunk's byte rate. The
 * size is capped by the bytes really present, so a header claiming hours cannot inflate the
 * estimate; a streaming header's size (0 or 0xFFFFFFFF) means "to the end".
 */
export function wavSeconds(v: Base64View): number | undefined {
  if (!hasAscii(v, 0, 'RIFF') || !hasAscii(v, 8, 'WAVE')) return undefined;
  let byteRate = -1;
  let at = 12;
  for (let n = 0; n < MAX_WAV_CHUNKS && at + 8 <= v.length; n++) {
    const size = le32(v, at + 4);
    if (size < 0) return undefined;
    if (hasAscii(v, at, 'fmt ')) byteRate = le32(v, at + 16);
    else if (hasAscii(v, at, 'data')) {
      if (byteRate <= 0) return undefined;
      const present = v.length - (at + 8);
      const bytes = size === 0 || size === 0xffffffff ? present : Math.min(size, present);
      return Math.max(0, bytes) / byteRate;
    }
    at += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return undefined;
}
