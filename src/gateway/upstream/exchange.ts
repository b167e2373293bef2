/**
 * One upstream exchange on undici's dispatch API: the response head resolves `head`, the body is
 * pushed to a sink attached later, with backpressure through pause/resume. `pool.request()` wraps
 * every answer in a Readable stream and a promise chain of its own; on the inference hot path
 * that wrapping cost more instructions than all of the gateway's pacing logic.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** Where a body goes. `onData` returning false pauses the upstream until the source resumes. */
export interface BodySink {
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  onError(err: Error): void;
}

/** A body that pushes: an Exchange, or a Readable through readableSource (pass-through routes). */
export interface BodySource {
  /** Starts delivery (chunks that arrived before are delivered first, in order). */
  start(sink: BodySink): void;
  resume(): void;
  /** The reader is gone: stop and drop the connection's exchange. */
  destroy(): void;
}

type Controller = Dispatcher.DispatchController;

export class Exchange implements Dispatcher.DispatchHandler, BodySource {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  /** Resolves with this exchange once the head is in; rejects when no head will come. */
  readonly head: Promise<Exchange>;
  private resolveHead!: (x: Exchange) => void;
  private rejectHead!: (err: Error) => void;
  private controller: Controller | null = null;
  private sink: BodySink | null = null;
  /** Body chunks that came before a sink (often the whole body arrives with the head). */
  private early: Buffer[] | null = null;
  private state: 'head' | 'body' | 'ended' | 'failed' = 'head';
  private failure: Error | null = null;
  private abortReason: Error | null = null;

  constructor() {
    this.head = new Promise<Exchange>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
  }

  // ---- undici's side --------------------------------------------------------------------------

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_c: Controller, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers come before the real head; they carry nothing to pass on.
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
    this.state = 'body';
    this.resolveHead(this);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    const sink = this.sink;
    if (sink === null) {
      (this.early ??= []).push(chunk);
      return;
    }
    if (!sink.onData(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.state = 'ended';
    if (this.sink !== null && this.early === null) this.sink.onEnd();
  }

  onResponseError(_c: Controller, err: Error): void {
    const wasHead = this.state === 'head';
    this.state = 'failed';
    this.failure = err;
    if (wasHead) this.rejectHead(err);
    else if (this.sink !== null && this.early === null) this.sink.onError(err);
  }

  // ---- the gateway's side ---------------------------------------------------------------------

  start(sink: BodySink): void {
    this.sink = sink;
    const early = this.early;
    if (early !== null) {
      let flowing = true;
      for (const chunk of early) flowing = sink.onData(chunk) && flowing;
      this.early = null;
      if (!flowing && this.state === 'body') this.controller?.pause();
    }
    if (this.state === 'ended') sink.onEnd();
    else if (this.state === 'failed') sink.onError(this.failure as Error);
  }

  resume(): void {
    this.controller?.resume();
  }

  /** Cancels the exchange: a pending head rejects, a body in flight stops (the socket is dropped). */
  abort(reason: Error = new Error('aborted')): void {
    if (this.state === 'ended' || this.state === 'failed') return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  destroy(): void {
    this.abort();
  }

  /** Reads and drops the body, keeping the connection for the next request. */
  dump(): Promise<void> {
    return new Promise((resolve) => {
      this.start({ onData: () => true, onEnd: resolve, onError: () => resolve() });
    });
  }

  /** The whole body (small answers: a 429's error body). */
  bytes(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const parts: Buffer[] = [];
      this.start({
        onData: (c) => {
          parts.push(c);
          return true;
        },
        onEnd: () => resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)),
        onError: reject,
      });
    });
  }
}

/** A body already read (a 429's, kept to learn which limit it was): delivered in one chunk. */
export function bufferSource(body: Buffer): BodySource {
  return {
    start(sink) {
      if (body.length > 0) sink.onData(body);
      sink.onEnd();
    },
    resume: () => undefined,
    destroy: () => undefined,
  };
}
