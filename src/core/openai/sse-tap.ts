/**
 * What the gateway reads from a stream it relays: how many events went by, the usage, and whether
 * the terminal event came. Decoding every event to text and objects (SseDecoder) was the largest
 * cost a streamed answer added; here the bytes are scanned natively for event boundaries and for
 * the few markers that can matter (`"usage":{`, `[DONE]`, the terminal `response.*` types), and
 * only the events holding one are decoded. Streams with CR line ends (legal, not what OpenAI
 * sends) are handed to the full decoder from the first CR on.
 */
import { SseDecoder, type SseEvent } from './sse.js';
import { isTerminalSseEvent, usageFromSseEvent, type Usage, type UsageRoute } from './usage.js';

const LF = 0x0a;
const CR = 0x0d;
const BOUNDARY = Buffer.from('\n\n');

type Finds = 'usage' | 'terminal' | 'either';

interface Marker {
  bytes: Buffer;
  /** Whether the hit at `at` is worth decoding its event for. */
  accept(data: Buffer, at: number): boolean;
  /** What an event with this marker is decoded for: the search stops at the latest one. */
  finds: Finds;
}

/**
 * Needles start with a byte that is rare in these streams: Buffer#indexOf skips ahead with
 * memchr on the first byte, and a leading `"` (every JSON key has one) made a search of a 6 KB
 * stream five times slower. `accept` checks the bytes around the hit.
 */
const USAGE: Marker = {
  // `"usage":{` or `"usage": {`, not `"usage":null` (chat chunks carry that with include_usage).
  bytes: Buffer.from('usage":'),
  finds: 'usage',
  accept(data, at) {
    const next = at + 7;
    return data[at - 1] === 0x22 && (data[next] === 0x7b || (data[next] === 0x20 && data[next + 1] === 0x7b));
  },
};
const RESPONSE = Buffer.from('response');
/** `response.<suffix>`: found by its `.suffix`, then checked for the `response` before it. */
const responseEvent = (suffix: string): Marker => ({
  bytes: Buffer.from(`.${suffix}`),
  finds: 'either',
  accept: (data, at) =>
    at >= RESPONSE.length && data.compare(RESPONSE, 0, RESPONSE.length, at - RESPONSE.length, at) === 0,
});
const MARKERS: Record<UsageRoute, readonly Marker[]> = {
  chat: [USAGE, { bytes: Buffer.from('[DONE]'), accept: () => true, finds: 'terminal' }],
  embeddings: [USAGE],
  responses: ['completed', 'incomplete', 'failed'].map(responseEvent),
};

export class SseTap {
  /** Events seen (blocks with a data field, as the decoder dispatches them). */
  events = 0;
  usage: Usage | null = null;
  /** The terminal event came (chat `[DONE]`, a terminal `response.*`). */
  complete = false;
  /** Bytes after the last event boundary. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** The full decoder, once the stream showed a CR. */
  private decoder: SseDecoder | null = null;

  constructor(private readonly route: UsageRoute) {}

  push(chunk: Buffer): void {
    if (this.decoder) return this.take(this.decoder.push(chunk));
    if (chunk.indexOf(CR) !== -1) return this.switchToDecoder(chunk);
    const last = this.parts[this.parts.length - 1];
    const straddles = last !== undefined && last[last.length - 1] === LF && chunk[0] === LF;
    if (!straddles && chunk.indexOf(BOUNDARY) === -1) {
      this.parts.push(chunk);
      this.partBytes += chunk.length;
      return;
    }
    const data =
      this.parts.length === 0 ? chunk : Buffer.concat([...this.parts, chunk], this.partBytes + chunk.length);
    const upto = data.lastIndexOf(BOUNDARY) + 2;
    this.scan(data, upto);
    const rest = data.length - upto;
    this.parts = rest > 0 ? [data.subarray(upto)] : [];
    this.partBytes = rest;
  }

  /** The stream ended: an event not followed by a blank line (a cut stream) still counts. */
  end(): void {
    const decoder = this.decoder ?? new SseDecoder();
    for (const p of this.parts) this.take(decoder.push(p));
    this.parts = [];
    this.partBytes = 0;
    this.take(decoder.end());
  }

  private switchToDecoder(chunk: Buffer): void {
    const decoder = (this.decoder = new SseDecoder());
    for (const p of this.parts) this.take(decoder.push(p));
    this.parts = [];
    this.partBytes = 0;
    this.take(decoder.push(chunk));
  }

  /** Counts the events in data[0, upto) (whole events only) and decodes the ones with a marker. */
  private scan(data: Buffer, upto: number): void {
    // Blank lines by single-byte search: a two-byte needle costs five times as much per call.
    let start = 0;
    let lf = data.indexOf(LF);
    while (lf !== -1 && lf < upto) {
      if (data[lf + 1] !== LF) {
        lf = data.indexOf(LF, lf + 1);
        continue;
      }
      if (lf > start && hasDataField(data, start, lf)) this.events++;
      start = lf + 2;
      lf = data.indexOf(LF, start);
    }
    // Usage and terminal events come last: search from the end, stop at the latest that counts.
    for (const m of MARKERS[this.route]) {
      let at = data.lastIndexOf(m.bytes, upto - 1);
      while (at !== -1) {
        if (m.accept(data, at)) {
          const before = data.lastIndexOf(BOUNDARY, at);
          const from = before === -1 ? 0 : before + 2;
          const to = Math.min(upto, data.indexOf(BOUNDARY, at) + 2);
          // A whole block is whole UTF-8: decoded as one string, with no TextDecoder to make.
          const block = new SseDecoder().push(data.toString('utf8', from, to));
          if (this.inspect(block, m.finds)) break;
          at = from === 0 ? -1 : data.lastIndexOf(m.bytes, from - 1);
        } else at = at === 0 ? -1 : data.lastIndexOf(m.bytes, at - 1);
      }
    }
  }

  /** Events decoded in full (CR streams, the end): count and inspect each. */
  private take(events: SseEvent[]): void {
    this.events += events.length;
    this.inspect(events);
  }

  /** Reads usage and the terminal mark from events; true when `wanted` was among them. */
  private inspect(events: SseEvent[], wanted: Finds = 'either'): boolean {
    let found = false;
    for (const ev of events) {
      const usage = usageFromSseEvent(this.route, ev);
      if (usage) this.usage = usage;
      const terminal = isTerminalSseEvent(this.route, ev);
      if (terminal) this.complete = true;
      if ((wanted !== 'terminal' && usage) || (wanted !== 'usage' && terminal)) found = true;
    }
    return found;
  }
}

/** Whether the event block data[s, e) has a `data` field (a line `data` or `data:…`). */
function hasDataField(data: Buffer, s: number, e: number): boolean {
  let p = s;
  while (p < e) {
    if (
      data[p] === 0x64 &&
      data[p + 1] === 0x61 &&
      data[p + 2] === 0x74 &&
      data[p + 3] === 0x61 &&
      (p + 4 === e || data[p + 4] === 0x3a || data[p + 4] === LF)
    )
      return true;
    const nl = data.indexOf(LF, p);
    if (nl === -1 || nl >= e) return false;
    p = nl + 1;
  }
  return false;
}
