/**
 * One broker per server process, created on first use. With PACER_REDIS_URL every instance
 * (serverless function, pod, cold start) shares the same cache, locks and pacing bucket; without
 * it, the memory store still gives single-flight and pacing within one process.
 */
import { systemClock } from '../../../src/platform/system.js';
import {
  createMemoryRealtimeStore,
  createRealtimeBroker,
  createRedisRealtimeStore,
  type RealtimeBroker,
} from '../../../src/realtime/index.js';

let broker: RealtimeBroker | undefined;

export function getBroker(env: Record<string, string | undefined> = process.env): RealtimeBroker {
  if (broker) return broker;
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) throw new Error('OPENAI_API_KEY is not set');
  broker = createRealtimeBroker({
    store: env.PACER_REDIS_URL
      ? createRedisRealtimeStore({ redis: env.PACER_REDIS_URL })
      : createMemoryRealtimeStore(systemClock),
    upstream: { baseUrl: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', apiKey },
    // Your organisation's Realtime session/mint limit; Pacer keeps 10% in reserve.
    limits: { upstreamRpm: Number(env.REALTIME_SESSIONS_PER_MINUTE ?? 200), userConnectsPerMinute: 6 },
    sessionDefaults: { type: 'realtime', model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
  });
  return broker;
}
