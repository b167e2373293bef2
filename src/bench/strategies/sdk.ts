import OpenAI from 'openai';
import { emptyAttempt, kindOfStatus, type Attempt } from '../outcome.js';
import { createStreamTap, readUsage } from '../stream-tap.js';
import { sdkRetryWaitMs } from './retry-hint.js';
import { benchRequestId, requestBody, type PlannedRequest } from '../workload.js';
import type { Strategy, StrategyDeps } from './types.js';

type Headers = Record<string, string>;

export interface SdkStrategyOptions {
  /** Extra request headers per request (the pacer strategy sends priority and deadline). */
  headersFor?: (r: PlannedRequest) => Headers;
}

/**
 * The planned request's id (`bench-<i>`), sent as OpenAI's x-client-request-id: the simulator keys
 * the request's latency on it (paired runs see the same draws), and retries of one call share it.
 */
const BENCH_ID = 'x-client-request-id';

/** OpenAI's default (maxRetries 2): the bench runs the SDK as users do. */
const MAX_RETRIES = 2;

/**
 * The official SDK with its defaults (maxRetries 2, its own backoff, retry-after honoured).
 * A wrapping fetch only watches statuses, so retries are counted without changing behaviour.
 */
export function createSdkStrategy(deps: StrategyDeps, opts: SdkStrategyOptions = {}): Strategy {
  const attempts = new Map<string, number>();
  const watchingFetch: typeof fetch = async (input, init) => {
    const id = headerOf(init?.headers, BENCH_ID);
    const n = (id === undefined ? 0 : (attempts.get(id) ?? 0)) + 1;
    if (id !== undefined) attempts.set(id, n);
    try {
      const res = await fetch(input, init);
      const now = deps.now();
      deps.onAttempt(res.status, now, {
        pacerErrorCode: res.headers.get('x-pacer-error-code'),
        retryAfterMs: sdkRetryWaitMs(res.status, res.headers, MAX_RETRIES + 1 - n, now),
      });
      return res;
    } catch (err) {
      deps.onAttempt(null, deps.now());
      throw err;
    }
  };
  const client = new OpenAI({
    baseURL: deps.baseUrl,
    apiKey: deps.apiKey,
    fetch: watchingFetch,
    maxRetries: MAX_RETRIES,
  });

  async function send(r: PlannedRequest, ctx: { signal: AbortSignal }): Promise<Attempt> {
    const id = benchRequestId(r);
    const headers: Headers = { [BENCH_ID]: id, ...opts.headersFor?.(r) };
    const out: Attempt = emptyAttempt();
    let started = false;
    try {
      const body = requestBody(r) as never;
      const reqOpts = { signal: ctx.signal, headers };
      const promise =
        r.route === 'chat'
          ? client.chat.completions.create(body, reqOpts)
          : client.responses.create(body, reqOpts);
      const { data, response } = await (promise as ReturnType<typeof client.responses.create>).withResponse();
      started = true;
      out.status = response.status;
      const queue = Number(response.headers.get('x-pacer-queue-ms'));
      if (response.headers.has('x-pacer-queue-ms') && Number.isFinite(queue)) out.queueMs = queue;
      if (r.stream) {
        const tap = createStreamTap(r.route);
        for await (const event of data as AsyncIterable<unknown>) tap.observe(event, deps.now());
        out.firstDeltaAt = tap.firstDeltaAt;
        out.inputTokens = tap.inputTokens;
        out.outputTokens = tap.outputTokens;
        out.ok = !tap.failed;
        if (!out.ok) out.errorKind = 'stream';
      } else {
        const usage = readUsage((data as { usage?: unknown }).usage);
        out.ok = true;
        out.inputTokens = usage?.input ?? 0;
        out.outputTokens = usage?.output ?? 0;
      }
    } catch (err) {
      out.ok = false;
      if (ctx.signal.aborted) out.errorKind = 'cut';
      else if (started) out.errorKind = 'stream';
      else if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
        out.status = err.status;
        out.errorKind = kindOfStatus(err.status);
        out.pacerErrorCode = err.headers?.get('x-pacer-error-code') ?? null;
      } else out.errorKind = 'connection';
    } finally {
      out.retries = Math.max(0, (attempts.get(id) ?? 1) - 1);
      attempts.delete(id);
    }
    return out;
  }

  return { send, close: async () => undefined };
}

function headerOf(h: RequestInit['headers'] | undefined, name: string): string | undefined {
  if (!h) return undefined;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  if (Array.isArray(h)) return h.find(([k]) => k?.toLowerCase() === name)?.[1];
  return (h as Record<string, string>)[name];
}
