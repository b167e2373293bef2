/**
 * Looks into a POST /v1/files upload while it streams on to the upstream: a pass-through Transform
 * that counts bytes against the body cap and reads the multipart form on the side: the `purpose`
 * field, and the lines of the `file` part (what a batch input asks for). It holds at most one
 * line of the file (bounded by the cap) and a delimiter's worth of bytes; the upload itself is
 * never buffered.
 */
import { Transform } from 'node:stream';
import { createBatchInputScan, type BatchInputScan } from '../../core/openai/batch-input.js';
import type { BatchInputSummary } from '../../core/openai/batch-input.js';
import { LineSplitter } from './line-splitter.js';
import { MultipartScanner, boundaryOf } from './multipart-scanner.js';

export interface UploadInspection {
  /** Bytes seen so far. */
  bytes: number;
  /** The body went past the cap (the stream was failed with UploadTooLargeError). */
  overCap: boolean;
  /** The form's `purpose` field, when it was read. */
  purpose: string | undefined;
  /** The `file` part read to its end, line by line; undefined when it was not (or not multipart). */
  file: BatchInputSummary | undefined;
}

export class UploadTooLargeError extends Error {
  constructor(readonly cap: number) {
    super(`upload over ${cap} bytes`);
  }
}

const MAX_PURPOSE_BYTES = 256;

export interface UploadInspector {
  stream: Transform;
  result(): UploadInspection;
}

export function createUploadInspector(contentType: string | undefined, cap: number): UploadInspector {
  const out: UploadInspection = { bytes: 0, overCap: false, purpose: undefined, file: undefined };
  const boundary = boundaryOf(contentType);
  let current: 'file' | 'purpose' | null = null;
  let fileSeen = false;
  let scan: BatchInputScan | undefined;
  let lines: LineSplitter | undefined;
  let purpose: Buffer[] = [];
  let purposeBytes = 0;

  const scanner =
    boundary === undefined
      ? undefined
      : new MultipartScanner(boundary, {
          part({ name }) {
            current = null;
            if (name === 'file' && !fileSeen) {
              fileSeen = true;
              current = 'file';
              scan = createBatchInputScan();
              lines = new LineSplitter((text, bytes) => scan!.line(text, bytes));
            } else if (name === 'purpose') {
              current = 'purpose';
              purpose = [];
              purposeBytes = 0;
            }
          },
          data(bytes) {
            if (current === 'file') lines!.push(bytes);
            else if (current === 'purpose' && purposeBytes < MAX_PURPOSE_BYTES) {
              purpose.push(bytes);
              purposeBytes += bytes.length;
            }
          },
          partEnd() {
            if (current === 'file') {
              lines!.end();
              out.file = scan!.summary();
            } else if (current === 'purpose' && purposeBytes <= MAX_PURPOSE_BYTES)
              out.purpose = Buffer.concat(purpose).toString('utf8').trim();
            current = null;
          },
        });

  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      out.bytes += chunk.length;
      if (out.bytes > cap) {
        out.overCap = true;
        done(new UploadTooLargeError(cap));
        return;
      }
      scanner?.push(chunk);
      done(null, chunk);
    },
    flush(done) {
      scanner?.end();
      done();
    },
  });
  return { stream, result: () => out };
}
