/**
 * An incremental multipart/form-data reader (RFC 7578) that never holds more than a delimiter's
 * length of the body: it calls `part` with each part's name and filename, `data` with its bytes
 * as they arrive (slices of the input, in order), and `partEnd`. Used to look into uploads while
 * they stream on to the upstream unchanged.
 */
export interface PartInfo {
  name: string | undefined;
  filename: string | undefined;
}

export interface MultipartHandlers {
  part(info: PartInfo): void;
  data(bytes: Buffer): void;
  partEnd(): void;
}

/** Longest header block of one part we accept; past it the body is not multipart we can read. */
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** The boundary of a multipart/form-data content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  return b !== undefined && b.length >= 1 && b.length <= 200 ? b : undefined;
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done' | 'failed';

export class MultipartScanner {
  private readonly delimiter: Buffer;
  private state: State = 'preamble';
  // The body's first delimiter has no CRLF before it; starting with one makes every delimiter alike.
  private pending: Buffer = Buffer.from('\r\n');

  constructor(
    boundary: string,
    private readonly on: MultipartHandlers,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** True once the closing delimiter was read. */
  get complete(): boolean {
    return this.state === 'done';
  }

  /** True when the body turned out not to be readable multipart (nothing more is reported). */
  get failed(): boolean {
    return this.state === 'failed';
  }

  push(chunk: Buffer): void {
    if (this.state === 'done' || this.state === 'failed') return;
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = EMPTY;
    let pos = 0;
    for (;;) {
      const next = this.step(buf, pos);
      if (next < 0) return;
      pos = next;
    }
  }

  /** The body ended; a part still open is cut (no partEnd), so its data is incomplete. */
  end(): void {
    if (this.state !== 'done') this.state = 'failed';
    this.pending = EMPTY;
  }

  /** Consumes what it can from `pos`; returns the new position, or -1 when it needs more bytes. */
  private step(buf: Buffer, pos: number): number {
    const d = this.delimiter;
    switch (this.state) {
      case 'preamble': {
        const i = buf.indexOf(d, pos);
        if (i < 0) return this.keep(buf, Math.max(pos, buf.length - d.length + 1));
        this.state = 'delimiter';
        return i + d.length;
      }
      case 'delimiter': {
        if (buf.length - pos < 2) return this.keep(buf, pos);
        if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) {
          this.state = 'done';
          return -1;
        }
        // Transport padding (spaces, tabs) may follow the boundary before its CRLF.
        const i = buf.indexOf(CRLF, pos);
        if (i < 0) return buf.length - pos > 256 ? this.fail() : this.keep(buf, pos);
        this.state = 'headers';
        return i + 2;
      }
      case 'headers': {
        if (buf.length - pos >= 2 && buf[pos] === 0x0d && buf[pos + 1] === 0x0a) {
          this.start('');
          return pos + 2;
        }
        const i = buf.indexOf(CRLFCRLF, pos);
        if (i < 0) return buf.length - pos > MAX_HEADER_BYTES ? this.fail() : this.keep(buf, pos);
        this.start(buf.toString('latin1', pos, i));
        return i + 4;
      }
      case 'body': {
        const i = buf.indexOf(d, pos);
        if (i >= 0) {
          if (i > pos) this.on.data(buf.subarray(pos, i));
          this.on.partEnd();
          this.state = 'delimiter';
          return i + d.length;
        }
        // The tail may be the start of a delimiter: hold it back until the next chunk says.
        const safe = buf.length - d.length + 1;
        if (safe > pos) this.on.data(buf.subarray(pos, safe));
        return this.keep(buf, Math.max(pos, safe));
      }
      default:
        return -1;
    }
  }

  private start(headers: string): void {
    this.state = 'body';
    this.on.part(partInfo(headers));
  }

  private keep(buf: Buffer, from: number): number {
    this.pending = from < buf.length ? Buffer.from(buf.subarray(from)) : EMPTY;
    return -1;
  }

  private fail(): number {
    this.state = 'failed';
    return -1;
  }
}

const EMPTY = Buffer.alloc(0);

/** name and filename from a part's Content-Disposition header. */
function partInfo(headers: string): PartInfo {
  const info: PartInfo = { name: undefined, filename: undefined };
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue;
    const params = /;\s*(name|filename)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/gi;
    for (const m of line.slice(colon + 1).matchAll(params)) {
      const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
      if (m[1]!.toLowerCase() === 'name') info.name = value;
      else info.filename = value;
    }
  }
  return info;
}
