/**
 * Splits a byte stream into lines (LF or CRLF) as it arrives; a line is decoded only once it is
 * whole, so UTF-8 split across chunks decodes right. A leading UTF-8 BOM is dropped.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private first = true;

  constructor(private readonly onLine: (text: string, bytes: number) => void) {}

  push(bytes: Buffer): void {
    let pos = 0;
    for (;;) {
      const i = bytes.indexOf(0x0a, pos);
      if (i < 0) break;
      this.emit(bytes.subarray(pos, i));
      pos = i + 1;
    }
    if (pos < bytes.length) {
      this.parts.push(bytes.subarray(pos));
      this.size += bytes.length - pos;
    }
  }

  /** The last line, when the input did not end with a line end. */
  end(): void {
    if (this.size > 0) this.emit(EMPTY);
  }

  private emit(tail: Buffer): void {
    let line = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail], this.size + tail.length);
    this.parts = [];
    this.size = 0;
    if (this.first) {
      this.first = false;
      if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
    }
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    this.onLine(line.toString('utf8', 0, end), end);
  }
}

const EMPTY = Buffer.alloc(0);
