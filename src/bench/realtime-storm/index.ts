import { forkRng } from '../../core/clock.js';
import { systemClock } from '../../platform/system.js';
import { createRealtimeBroker, createRealtimeHandlers, type RealtimeBroker } from '../../realtime/index.js';
import {
  createMemoryRealtimeStore,
  createRedisRealtimeStore,
  type RealtimeStore,
} from '../../store/realtime/index.js';
import { startSimulator } from '../../simulator/index.js';
import { summarize } from '../percentiles.js';
import {
  exposedRetryAfter,
  postOfferUpstream,
  runBrowser,
  type Attempt,
  type BrowserOutcome,
} from './browsers.js';
import { serveInstance, type InstanceServer } from './instance-server.js';
import { createNaiveInstance } from './naive.js';
import { BROWSER_OFFER } from './offer.js';
import { planBrowsers } from './plan.js';
import { startRedisProcess } from './redis-process.js';
import type { RealtimeStormOptions, RealtimeStormResult } from './types.js';

export type { RealtimeStormOptions, RealtimeStormResult, StormMode } from './types.js';
export { formatStormTable } from './table.js';

const SERVER_KEY = 'sk-storm-server-key';
const VIRTUAL_KEY = 'vk-storm';

/**
 * Hundreds of browsers asking for a Realtime session within seconds, across several app
 * instances, against a simulator whose mint/session limit they overflow when uncontrolled.
 */
export async function runRealtimeStorm(opts: RealtimeStormOptions): Promise<RealtimeStormResult> {
  const browsers = opts.browsers ?? 300;
  const windowMs = opts.windowMs ?? 5000;
  const instances = opts.instances ?? 3;
  const seed = opts.seed ?? 1;
  const mintRpm = opts.mintRpm ?? 240;
  const users = opts.users ?? Math.round(browsers * 0.75);
  const flow = opts.flow ?? 'calls';
  const timeScale = opts.timeScale ?? 1;
  const maxRetries = opts.maxRetries ?? 2;
  const plan = planBrowsers(browsers, users, instances, windowMs, forkRng(seed, 'realtime-storm'));

  const sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    seed,
    apiKey: SERVER_KEY,
    mintRpm,
    timeScale,
  });
  const stops: (() => Promise<void> | void)[] = [() => sim.close()];
  let storeKind: RealtimeStormResult['store'] = 'none';
  // Every upstream request starts at an instance or a browser here, so counting there counts them all.
  let upstream429 = 0;
  const on429 = () => void upstream429++;
  const brokers: RealtimeBroker[] = [];
  try {
    let attemptFor: (b: (typeof plan)[number]) => Attempt;
    if (opts.mode === 'naive') {
      const apps = Array.from({ length: instances }, () => createNaiveInstance(sim.url, SERVER_KEY, on429));
      attemptFor = (b) => async () => {
        let token: string;
        try {
          token = await apps[b.instance]!.getToken();
        } catch {
          return { ok: false, retryAfterMs: undefined };
        }
        return postOfferUpstream(sim.url, token, on429);
      };
    } else {
      const stores = await pacerStores(instances, opts.redisUrl, stops);
      storeKind = stores.kind;
      const servers: InstanceServer[] = [];
      for (const store of stores.list) {
        const broker: RealtimeBroker = createRealtimeBroker({
          store,
          upstream: { baseUrl: sim.url, apiKey: SERVER_KEY },
          limits: {
            upstreamRpm: mintRpm * timeScale,
            upstreamBurst: mintRpm,
            userConnectsPerMinute: 20,
            tenantMaxSessions: browsers * 2,
            maxQueueMs: opts.maxQueueMs ?? 15_000,
          },
          sessionDefaults: { type: 'realtime', model: 'gpt-realtime' },
        });
        brokers.push(broker);
        const handlers = createRealtimeHandlers(broker, {
          authenticate: (_req, key) => (key === VIRTUAL_KEY ? { tenant: 'storm', keyId: 'vk-storm' } : null),
        });
        const server = await serveInstance(handlers);
        servers.push(server);
        stops.push(() => server.close());
      }
      attemptFor = (b) => {
        const base = servers[b.instance]!.url;
        const headers = { authorization: `Bearer ${VIRTUAL_KEY}`, 'x-pacer-user': b.user };
        if (flow === 'calls') {
          return async () => {
            const res = await fetch(`${base}/realtime/calls`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/sdp' },
              body: BROWSER_OFFER,
            });
            await res.arrayBuffer();
            return res.status === 201 ? { ok: true } : { ok: false, retryAfterMs: exposedRetryAfter(res) };
          };
        }
        return async () => {
          const res = await fetch(`${base}/realtime/client_secrets`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: '{}',
          });
          const body = (await res.json()) as { value?: string };
          if (res.status !== 200 || !body.value) return { ok: false, retryAfterMs: exposedRetryAfter(res) };
          return postOfferUpstream(sim.url, body.value, on429);
        };
      };
    }

    const t0 = Date.now();
    const now = () => Date.now() - t0;
    let done = 0;
    const outcomes = await Promise.all(
      plan.map(async (b): Promise<BrowserOutcome & { atMs: number }> => {
        await new Promise((r) => setTimeout(r, b.atMs));
        const out = await runBrowser(attemptFor(b), maxRetries, now);
        opts.onProgress?.(++done, plan.length);
        return { ...out, atMs: b.atMs };
      }),
    );
    const stats = sim.stats();
    const ok = outcomes.filter((o) => o.ok);
    return {
      mode: opts.mode,
      flow: opts.mode === 'naive' ? 'secret' : flow,
      browsers,
      users: Math.min(users, browsers),
      instances,
      windowMs,
      mintRpm,
      timeScale,
      store: storeKind,
      upstreamMints: stats.client_secrets_minted,
      upstreamSessions: stats.realtime_sessions,
      upstream429: upstream429 + brokers.reduce((n, b) => n + b.stats().upstream429, 0),
      sessionsStarted: ok.length,
      failed: outcomes.length - ok.length,
      browsersRetried: outcomes.filter((o) => o.retries > 0).length,
      browsersRetriedTwice: outcomes.filter((o) => o.retries > 1).length,
      retries: outcomes.reduce((s, o) => s + o.retries, 0),
      timeToSession: summarize(ok.map((o) => o.doneAtMs - o.atMs)),
      durationMs: now(),
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** Three brokers sharing one Redis, as a fleet would; one shared memory store when no Redis can be had. */
async function pacerStores(
  n: number,
  redisUrl: string | undefined,
  stops: (() => Promise<void> | void)[],
): Promise<{ kind: 'redis' | 'memory-shared'; list: RealtimeStore[] }> {
  let url = redisUrl ?? process.env.PACER_REDIS_URL;
  if (!url) {
    const proc = await startRedisProcess();
    if (proc) {
      stops.push(() => proc.stop());
      url = proc.url;
    }
  }
  if (!url) {
    const shared = createMemoryRealtimeStore(systemClock);
    return { kind: 'memory-shared', list: Array.from({ length: n }, () => shared) };
  }
  const list = Array.from({ length: n }, () => createRedisRealtimeStore({ redis: url }));
  for (const s of list) stops.push(() => s.close());
  return { kind: 'redis', list };
}
