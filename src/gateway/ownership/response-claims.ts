/**
 * Records who created each stored response. POST /v1/responses goes through the paced inference
 * route, which asks `claimerFor` before relaying a 2xx answer: a request that stores its response
 * (`store` not false, the default; background responses always store) has its `resp_…` id claimed
 * for the caller before the first byte that carries the id reaches the client. The id is the
 * first `"id":"resp_…"` of the body (the JSON object's own id, or the `response.created` event's
 * response); the answer is otherwise passed on unchanged, chunk for chunk.
 */
import type { Principal } from '../auth.js';
import type { BodySink, BodySource } from '../upstream/exchange.js';
import { RESPONSE_TTL_MS, type Ownership } from './ownership.js';

const STORE = Buffer.from('"store"');
const ID = /"id"\s*:\s*"(resp_[A-Za-z0-9_-]+)"/;
/** Past this many bytes without a response id, stop looking (and claim nothing). */
const HEAD_LIMIT = 64 * 1024;

export type Claim = (id: string) => Promise<void>;
/** The claim for one request's answer, or undefined when nothing is stored. */
export type ClaimerFor = (principal: Principal, requestBody: Buffer) => Claim | undefined;

export function responseClaimer(ownership: Ownership, log: (line: string) => void): ClaimerFor {
  return (principal, requestBody) => {
    if (!storesResponse(requestBody)) return undefined;
    const tenant = principal.tenant;
    return (id) =>
      ownership.claim(tenant, id, { ttlMs: RESPONSE_TTL_MS }).then(
        () => undefined,
        (err: unknown) =>
          // The answer still goes out; the response just cannot be retrieved through the gateway.
          log(JSON.stringify({ level: 'error', component: 'owners', response_id: id, error: String(err) })),
      );
  };
}

/** `store` is true unless the body says false; the body is parsed only when it names the field. */
function storesResponse(raw: Buffer): boolean {
  if (raw.indexOf(STORE) < 0) return true;
  try {
    return (JSON.parse(raw.toString('utf8')) as { store?: unknown }).store !== false;
  } catch {
    return true;
  }
}

/**
 * The body, unchanged, with the first response id claimed before any of it is passed on: chunks
 * are held until the id shows, then the upstream is paused until the claim is recorded.
 */
export function claimFirstId(source: BodySource, claim: Claim): BodySource {
  return {
    start(sink) {
      source.start(new ClaimingSink(source, sink, claim));
    },
    resume: () => source.resume(),
    destroy: () => source.destroy(),
  };
}

class ClaimingSink implements BodySink {
  private head: Buffer[] = [];
  private headBytes = 0;
  private looking = true;
  /** A claim is being recorded: the end or an error waits for it. */
  private held = false;
  /** Chunks that came while held (a source may deliver what it already had before pausing). */
  private pending: Buffer[] = [];
  private ended = false;
  private failure: Error | null = null;

  constructor(
    private readonly source: BodySource,
    private readonly sink: BodySink,
    private readonly claim: Claim,
  ) {}

  onData(chunk: Buffer): boolean {
    if (this.held) {
      this.pending.push(chunk);
      return false;
    }
    if (!this.looking) return this.sink.onData(chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    const seen = this.seen();
    const m = ID.exec(seen.toString('latin1'));
    if (!m && this.headBytes < HEAD_LIMIT) return true;
    this.looking = false;
    this.head = [];
    if (!m) return this.sink.onData(seen);
    this.held = true;
    void this.claim(m[1]!).then(() => this.release(seen));
    return false;
  }

  onEnd(): void {
    if (this.held) return void (this.ended = true);
    if (this.looking) {
      this.looking = false;
      if (this.headBytes > 0) this.sink.onData(this.seen());
    }
    this.sink.onEnd();
  }

  onError(err: Error): void {
    if (this.held) return void (this.failure = err);
    this.sink.onError(err);
  }

  private seen(): Buffer {
    return this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head, this.headBytes);
  }

  private release(seen: Buffer): void {
    this.held = false;
    let flowing = this.sink.onData(seen);
    for (const chunk of this.pending) flowing = this.sink.onData(chunk) && flowing;
    this.pending = [];
    if (this.ended) this.sink.onEnd();
    else if (this.failure) this.sink.onError(this.failure);
    else if (flowing) this.source.resume();
  }
}
