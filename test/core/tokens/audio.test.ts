import { describe, expect, it } from 'vitest';
import { findModel } from '../../../src/core/models.js';
import { audioTokens } from '../../../src/core/tokens/audio.js';
import { estimate } from '../../../src/core/tokens/estimate.js';
import { countTokens } from '../../../src/core/tokens/tokenizer.js';

const u32le = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const u16le = (n: number): number[] => [n & 255, (n >>> 8) & 255];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** A canonical PCM WAV: RIFF, fmt (16 bytes), optional LIST chunk, data (claimed size, real bytes). */
function wav(opts: {
  rate: number;
  channels: number;
  bits: number;
  dataBytes: number;
  claimed?: number;
  list?: boolean;
}): string {
  const blockAlign = (opts.channels * opts.bits) / 8;
  const fmt = [
    ...ascii('fmt '),
    ...u32le(16),
    ...u16le(1),
    ...u16le(opts.channels),
    ...u32le(opts.rate),
    ...u32le(opts.rate * blockAlign),
    ...u16le(blockAlign),
    ...u16le(opts.bits),
  ];
  const list = opts.list ? [...ascii('LIST'), ...u32le(5), ...ascii('INFOx'), 0] : []; // odd size: padded
  const data = [...ascii('data'), ...u32le(opts.claimed ?? opts.dataBytes)];
  const header = [...ascii('RIFF'), ...u32le(0), ...ascii('WAVE'), ...fmt, ...list, ...data];
  return Buffer.concat([Buffer.from(header), Buffer.alloc(opts.dataBytes, 7)]).toString('base64');
}

describe('audio tokens (1 token per 100 ms of input audio)', () => {
  it('reads a WAV header for the duration', () => {
    // 24 kHz mono 16-bit = 48 000 bytes a second; 2.5 s -> 25 tokens.
    expect(audioTokens(wav({ rate: 24_000, channels: 1, bits: 16, dataBytes: 120_000 }), 'wav')).toBe(25);
    // 44.1 kHz stereo 16-bit = 176 400 bytes/s; 1 s (+ a LIST chunk to skip) -> 10 tokens.
    expect(
      audioTokens(wav({ rate: 44_100, channels: 2, bits: 16, dataBytes: 176_400, list: true }), 'wav'),
    ).toBe(10);
    // 0.05 s rounds up to one token.
    expect(audioTokens(wav({ rate: 8000, channels: 1, bits: 8, dataBytes: 400 }), 'wav')).toBe(1);
  });

  it('never believes a header over the bytes really sent; a streaming size means "to the end"', () => {
    expect(
      audioTokens(
        wav({ rate: 16_000, channels: 1, bits: 16, dataBytes: 32_000, claimed: 3_200_000_000 }),
        'wav',
      ),
    ).toBe(10);
    expect(
      audioTokens(
        wav({ rate: 16_000, channels: 1, bits: 16, dataBytes: 32_000, claimed: 0xffffffff }),
        'wav',
      ),
    ).toBe(10);
  });

  it('estimates MP3 (and a WAV without a readable header) from the size at a conservative rate', () => {
    // 40 000 bytes at 32 kbps (4000 bytes/s) = 10 s -> 100 tokens.
    expect(audioTokens(Buffer.alloc(40_000, 1).toString('base64'), 'mp3')).toBe(100);
    // Not RIFF: 8000 bytes/s, the smallest common PCM rate. 16 000 bytes = 2 s.
    expect(audioTokens(Buffer.alloc(16_000, 1).toString('base64'), 'wav')).toBe(20);
    expect(audioTokens('', 'wav')).toBe(0);
  });

  it('counts 20 s of WAV in a chat message as 200 tokens, not its base64 as text', () => {
    const data = wav({ rate: 24_000, channels: 1, bits: 16, dataBytes: 20 * 48_000 });
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Transcribe this.' },
            { type: 'input_audio', input_audio: { data, format: 'wav' } },
          ],
        },
      ],
      max_completion_tokens: 100,
    };
    const e = estimate('chat', body, findModel('gpt-4o')!);
    expect(e.input).toBe(3 + 3 + 1 + countTokens('Transcribe this.') + 200);
    expect(e.reservedInput).toBe(e.input); // the base64 is not text for the character floor either
    expect(data.length).toBeGreaterThan(1_000_000);
  });

  it('counts Responses input_audio parts the same way', () => {
    const data = Buffer.alloc(8000, 1).toString('base64'); // 2 s of MP3 at 32 kbps
    const body = {
      input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data, format: 'mp3' } }] }],
      max_output_tokens: 5,
    };
    expect(estimate('responses', body, findModel('gpt-4o')!, { charFloor: false }).input).toBe(
      3 + 3 + 1 + 20,
    );
  });
});
