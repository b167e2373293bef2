import { Agent, request } from 'undici';
import { SseDecoder } from '../../core/openai/sse.js';
import { emptyAttempt, kindOfStatus, type Attempt } from '../outcome.js';
import { createStreamTap, readUsage } from '../stream-tap.js';
import { benchRequestId, requestBody, type PlannedRequest } from '../workload.js';
import type { StrategyDeps } from './types.js';

/** One HTTP attempt plus what a retry loop needs to decide. */
export interface RawAttempt extends Attempt {
  /** Failed before a successful response started: safe to retry the whole call. */
  retryable: boolean;
  retryAfterMs: number | null;
}

export interface RawClient {
  attempt(r: PlannedRequest, signal: AbortSignal): Promise<RawAttempt>;
  close(): Promise<void>;
}

const PATHS = { chat: '/chat/completions', responses: '/responses' } as const;

/** A hand-rolled client on undici, as users write one: POST, read JSON or SSE, nothing else. */
export function createRawClient(deps: StrategyDeps): RawClient {
  const agent = new Agent({ connections: 512, keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });
  const base = deps.baseUrl.replace(/\/+$/, '');
  const headers = {
    authorization: `Bearer ${deps.apiKey}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };

  async function attempt(r: PlannedRequest, signal: AbortSignal): Promise<RawAttempt> {
    const result: RawAttempt = { ...emptyAttempt(), retryable: true, retryAfterMs: null };
    let res;
    try {
      res = await request(base + PATHS[r.route], {
        method: 'POST',
        headers: { ...headers, 'x-client-request-id': benchRequestId(r) },
        body: JSON.stringify(requestBody(r)),
        dispatcher: agent,
        signal,
      });
    } catch {
      deps.onAttempt(null, deps.now());
      result.errorKind = signal.aborted ? 'cut' : 'connection';
      return result;
    }
    result.status = res.statusCode;
    const code = res.headers['x-pacer-error-code'];
    result.pacerErrorCode = typeof code === 'string' ? code : null;
    deps.onAttempt(res.statusCode, deps.now());
    if (res.statusCode !== 200) {
      result.errorKind = kindOfStatus(res.statusCode);
      result.retryable = res.statusCode === 429 || res.statusCode >= 500;
      result.retryAfterMs = retryAfter(res.headers);
      await res.body.dump().catch(() => undefined);
      return result;
    }
    result.retryable = false;
    try {
      if (r.stream) await readStream(r, res.body, result);
      else {
        const usage = readUsage(((await res.body.json()) as { usage?: unknown }).usage);
        result.ok = true;
        result.inputTokens = usage?.input ?? 0;
        result.outputTokens = usage?.output ?? 0;
      }
    } catch {
      result.ok = false;
      result.errorKind = signal.aborted ? 'cut' : 'stream';
    }
    return result;
  }

  async function readStream(r: PlannedRequest, body: AsyncIterable<Buffer>, out: RawAttempt): Promise<void> {
    const decoder = new SseDecoder();
    const tap = createStreamTap(r.route);
    let done = false;
    for await (const chunk of body) {
      for (const ev of decoder.push(chunk)) {
        if (ev.data === '[DONE]') {
          done = true;
          continue;
        }
        tap.observe(JSON.parse(ev.data), deps.now());
      }
    }
    done ||= tap.finished;
    out.firstDeltaAt = tap.firstDeltaAt;
    out.inputTokens = tap.inputTokens;
    out.outputTokens = tap.outputTokens;
    out.ok = done && !tap.failed;
    if (!out.ok) out.errorKind = 'stream';
  }

  return { attempt, close: () => agent.close() };
}

/** retry-after-ms, else retry-after in seconds, as the SDKs read them. */
export function retryAfter(h: Record<string, string | string[] | undefined>): number | null {
  const ms = Number(h['retry-after-ms']);
  if (h['retry-after-ms'] !== undefined && Number.isFinite(ms)) return ms;
  const s = Number(h['retry-after']);
  if (h['retry-after'] !== undefined && Number.isFinite(s)) return s * 1000;
  return null;
}
