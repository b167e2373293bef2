/**
 * Streams an upstream answer to the client as bytes arrive, honouring backpressure, while a tap
 * reads `usage` (SSE events or the tail of a JSON body). A failure mid-stream becomes an SSE
 * error event and a clean end, never a hang.
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { SseDecoder, encodeSse } from '../../core/openai/sse.js';
import { isTerminalSseEvent, usageFromJsonText, usageFromSseEvent } from '../../core/openai/usage.js';
import type { Usage, UsageRoute } from '../../core/openai/usage.js';

export interface RelayResult {
  usage: Usage | null;
  /** SSE events seen (roughly one output token each for deltas). */
  events: number;
  /** The upstream finished normally (terminal event or end of a JSON body). */
  complete: boolean;
  /** Bytes written to the client. */
  bytes: number;
  /** Clock ms of the first body byte, null if none came. */
  firstByteAt: number | null;
  /**
   * Ms the relay's own code spent on the first body chunk and on the end (tap, usage read,
   * writes), by performance.now(): its share of the gateway's processing time.
   */
  processingMs: number;
}

export interface RelayOptions {
  /** Route whose usage shape to read; null = no tap (pass-through routes). */
  route: UsageRoute | null;
  sse: boolean;
  status: number;
  headers: Record<string, string | string[]>;
  now: () => number;
}

const TAIL_BYTES = 64 * 1024;

export function relay(res: ServerResponse, body: Readable, opts: RelayOptions): Promise<RelayResult> {
  res.writeHead(opts.status, opts.headers);
  // A stream's headers go out at once, but not in a send of their own when the first event is
  // already here: flushing them alone cost a syscall per stream (~13 % of the gateway's CPU on
  // short streams). One turn of the event loop later they go alone, whatever comes.
  let flushLater: NodeJS.Immediate | null = opts.sse ? setImmediate(() => flushHeaders()) : null;
  const flushHeaders = (): void => {
    flushLater = null;
    if (!res.destroyed && !res.writableEnded) res.flushHeaders();
  };
  const cancelFlush = (): void => {
    if (flushLater) clearImmediate(flushLater);
    flushLater = null;
  };
  const decoder = opts.sse && opts.route ? new SseDecoder() : null;
  const tail: Buffer[] = [];
  let tailBytes = 0;
  const out: RelayResult = {
    usage: null,
    events: 0,
    complete: false,
    bytes: 0,
    firstByteAt: null,
    processingMs: 0,
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve(out);
    };
    const resume = (): void => {
      body.resume();
    };
    body.on('data', (chunk: Buffer) => {
      const first = out.firstByteAt === null;
      const t0 = first ? performance.now() : 0;
      if (first) out.firstByteAt = opts.now();
      if (decoder) tapSse(decoder.push(chunk));
      else if (opts.route && !opts.sse) {
        tail.push(chunk);
        tailBytes += chunk.length;
        while (tailBytes - (tail[0]?.length ?? 0) >= TAIL_BYTES) tailBytes -= (tail.shift() as Buffer).length;
      }
      if (flushLater) cancelFlush();
      if (res.destroyed) return;
      out.bytes += chunk.length;
      if (!res.write(chunk)) {
        body.pause();
        res.once('drain', resume);
      }
      if (first) out.processingMs += performance.now() - t0;
    });
    body.on('end', () => {
      const t0 = performance.now();
      cancelFlush();
      if (decoder) tapSse(decoder.end());
      else if (opts.route && !opts.sse) {
        const whole = tail.length === 1 ? (tail[0] as Buffer) : Buffer.concat(tail, tailBytes);
        out.usage = usageFromJsonText(whole.toString('utf8'));
        out.complete = true;
      } else out.complete = true;
      if (!res.destroyed) res.end();
      out.processingMs += performance.now() - t0;
      finish();
    });
    body.on('error', () => {
      cancelFlush();
      if (!res.destroyed && !res.writableEnded) {
        if (opts.sse && opts.route) {
          res.end(streamErrorEvent(opts.route, out.events));
        } else res.destroy();
      }
      finish();
    });
    res.on('close', () => {
      // Client gone: the route aborts the upstream; make sure we never wait on a drain.
      res.off('drain', resume);
      cancelFlush();
      if (!out.complete) body.destroy();
      finish();
    });
  });

  function tapSse(events: { data: string; event?: string }[]): void {
    for (const ev of events) {
      out.events++;
      const usage = usageFromSseEvent(opts.route as UsageRoute, ev);
      if (usage) out.usage = usage;
      if (isTerminalSseEvent(opts.route as UsageRoute, ev)) out.complete = true;
    }
  }
}

/** The error frame each API uses inside a stream (the SDK throws APIError on both). */
export function streamErrorEvent(route: UsageRoute, sequence: number): string {
  const message = 'The upstream connection failed mid-stream.';
  if (route === 'responses') {
    return encodeSse(
      JSON.stringify({
        type: 'error',
        code: 'upstream_error',
        message,
        param: null,
        sequence_number: sequence,
      }),
      'error',
    );
  }
  return encodeSse(
    JSON.stringify({ error: { message, type: 'server_error', param: null, code: 'upstream_error' } }),
  );
}
