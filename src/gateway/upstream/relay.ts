/**
 * Streams an upstream answer to the client as bytes arrive, honouring backpressure, while a tap
 * reads `usage` (SSE events or the tail of a JSON body). A failure mid-stream becomes an SSE
 * error event and a clean end, never a hang.
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { encodeSse } from '../../core/openai/sse.js';
import { SseTap } from '../../core/openai/sse-tap.js';
import { leadingResponseId, usageFromJsonText } from '../../core/openai/usage.js';
import type { Usage, UsageRoute } from '../../core/openai/usage.js';
import type { BodySink, BodySource } from './exchange.js';

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
/** Enough of a body's start to hold its leading id. */
const HEAD_BYTES = 256;
/** How long a stream's headers wait for its first event before going out alone. */
const HEADER_FLUSH_MS = 1;

export function relay(
  res: ServerResponse,
  body: Readable | BodySource,
  opts: RelayOptions,
): Promise<RelayResult> {
  const source = 'start' in body ? body : readableSource(body);
  res.writeHead(opts.status, opts.headers);
  return new Promise((resolve) => new RelaySink(res, source, opts, resolve).begin());
}

/** A Readable as a pushing body source (pass-through routes stream their bodies as Readables). */
export function readableSource(body: Readable): BodySource {
  return {
    start(sink) {
      body.on('data', (chunk: Buffer) => {
        if (!sink.onData(chunk)) body.pause();
      });
      body.on('end', () => sink.onEnd());
      body.on('error', (err) => sink.onError(err));
    },
    resume: () => void body.resume(),
    destroy: () => void body.destroy(),
  };
}

/**
 * Writes the body to the client as it comes and taps it: SSE events for usage and the terminal
 * event, or the tail of a JSON body for its usage.
 */
class RelaySink implements BodySink {
  private readonly out: RelayResult = {
    usage: null,
    events: 0,
    complete: false,
    bytes: 0,
    firstByteAt: null,
    processingMs: 0,
  };
  private readonly tap: SseTap | null;
  private readonly tail: Buffer[] = [];
  /** The first bytes of a JSON body whose start fell out of the tail. */
  private head: Buffer | null = null;
  private tailBytes = 0;
  /**
   * A stream's headers go out at once, but not in a send of their own when the first event is
   * close behind: flushing them alone cost a syscall per stream (~13 % of the gateway's CPU on
   * short streams). A millisecond later they go alone, whatever comes; one turn of the event
   * loop was too short for a first event that follows the head by one read.
   */
  private flushLater: NodeJS.Timeout | null = null;
  private settled = false;
  private readonly resumeSource = (): void => this.source.resume();

  constructor(
    private readonly res: ServerResponse,
    private readonly source: BodySource,
    private readonly opts: RelayOptions,
    private readonly resolve: (r: RelayResult) => void,
  ) {
    this.tap = opts.sse && opts.route ? new SseTap(opts.route) : null;
  }

  begin(): void {
    if (this.opts.sse) this.flushLater = setTimeout(() => this.flushHeaders(), HEADER_FLUSH_MS);
    this.res.on('close', () => {
      // Client gone: stop the upstream and never wait on a drain.
      this.res.off('drain', this.resumeSource);
      this.cancelFlush();
      if (!(this.tap ? this.tap.complete : this.out.complete)) this.source.destroy();
      this.finish();
    });
    this.source.start(this);
  }

  onData(chunk: Buffer): boolean {
    const { out, res, opts } = this;
    const first = out.firstByteAt === null;
    const t0 = first ? performance.now() : 0;
    if (first) out.firstByteAt = opts.now();
    if (this.tap) this.tap.push(chunk);
    else if (opts.route && !opts.sse) this.keepTail(chunk);
    if (this.flushLater) this.cancelFlush();
    if (res.destroyed) return true;
    out.bytes += chunk.length;
    const flowing = res.write(chunk);
    if (!flowing) res.once('drain', this.resumeSource);
    if (first) out.processingMs += performance.now() - t0;
    return flowing;
  }

  onEnd(): void {
    const { out, res, opts } = this;
    const t0 = performance.now();
    this.cancelFlush();
    if (this.tap) this.tap.end();
    else if (opts.route && !opts.sse) {
      const { tail, tailBytes } = this;
      const whole = tail.length === 1 ? (tail[0] as Buffer) : Buffer.concat(tail, tailBytes);
      out.usage = usageFromJsonText(whole.toString('utf8'));
      // The tail of a long body no longer starts with the id; its first bytes still do.
      if (out.usage && this.head && opts.route === 'responses') {
        const id = leadingResponseId(this.head.toString('utf8'));
        if (id !== undefined) out.usage.responseId = id;
      }
      out.complete = true;
    } else out.complete = true;
    if (!res.destroyed) res.end();
    out.processingMs += performance.now() - t0;
    this.finish();
  }

  onError(): void {
    const { res, opts } = this;
    this.cancelFlush();
    if (!res.destroyed && !res.writableEnded) {
      if (opts.sse && opts.route) res.end(streamErrorEvent(opts.route, this.tap?.events ?? 0));
      else res.destroy();
    }
    this.finish();
  }

  private keepTail(chunk: Buffer): void {
    const tail = this.tail;
    tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (tail[0]?.length ?? 0) >= TAIL_BYTES) {
      const dropped = tail.shift() as Buffer;
      // A long body's start leaves the tail: keep what names a Responses body's id.
      this.head ??= dropped.subarray(0, HEAD_BYTES);
      this.tailBytes -= dropped.length;
    }
  }

  private flushHeaders(): void {
    this.flushLater = null;
    if (!this.res.destroyed && !this.res.writableEnded) this.res.flushHeaders();
  }

  private cancelFlush(): void {
    if (this.flushLater) clearTimeout(this.flushLater);
    this.flushLater = null;
  }

  /** Resolves once (end, error or the client gone) with what the tap saw so far. */
  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    const { out, tap } = this;
    if (tap) {
      out.events = tap.events;
      out.usage = tap.usage;
      out.complete = tap.complete;
    }
    this.resolve(out);
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
