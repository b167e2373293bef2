/** Server-sent events: a byte-exact encoder and an incremental decoder that tolerates any chunking. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export function encodeSse(data: string, event?: string): string {
  const head = event === undefined ? '' : `event: ${event}\n`;
  return `${head}data: ${data}\n\n`;
}

/**
 * Incremental decoder per the WHATWG EventSource rules: CRLF, CR or LF line ends, comments,
 * multi-line data, UTF-8 split across chunks.
 */
export class SseDecoder {
  /** Made on the first byte chunk: a decoder fed whole strings (the SSE tap's blocks) needs none. */
  private utf8: InstanceType<typeof TextDecoder> | null = null;
  private buffer = '';
  private pendingCr = false;
  private event: string | undefined;
  private data: string[] = [];
  private id: string | undefined;

  push(chunk: Uint8Array | string): SseEvent[] {
    const text =
      typeof chunk === 'string'
        ? chunk
        : (this.utf8 ??= new TextDecoder('utf-8')).decode(chunk, { stream: true });
    return this.feed(text);
  }

  /** Flushes a final event that was not followed by a blank line (a cut stream). */
  end(): SseEvent[] {
    const out = this.feed((this.utf8?.decode() ?? '') + '\n');
    if (this.data.length > 0) out.push(...this.feed('\n'));
    return out;
  }

  private feed(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let s = this.buffer + text;
    if (this.pendingCr && s.startsWith('\n')) s = s.slice(1);
    this.pendingCr = false;
    let start = 0;
    // Line ends found with native indexOf (the gateway's hot path); CR is rare, so its position
    // is looked up again only once passed.
    let cr = s.indexOf('\r');
    for (;;) {
      if (cr !== -1 && cr < start) cr = s.indexOf('\r', start);
      const lf = s.indexOf('\n', start);
      const i = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (i === -1) break;
      this.line(s.slice(start, i), out);
      let next = i + 1;
      if (i === cr) {
        if (next === s.length) this.pendingCr = true;
        else if (s.charCodeAt(next) === 10) next++;
      }
      start = next;
    }
    this.buffer = s.slice(start);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        const ev: SseEvent = { data: this.data.join('\n') };
        if (this.event !== undefined) ev.event = this.event;
        if (this.id !== undefined) ev.id = this.id;
        out.push(ev);
      }
      this.data = [];
      this.event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
  }
}
