import type { Summary } from '../percentiles.js';

export type StormMode = 'naive' | 'pacer';

export interface RealtimeStormOptions {
  mode: StormMode;
  /** Browsers asking for a session (default 300). */
  browsers?: number;
  /** They arrive within this window (default 5000 ms). */
  windowMs?: number;
  /** App-server instances the browsers are spread over (default 3). */
  instances?: number;
  seed?: number;
  /** The upstream's limit on mints + session creations per minute (default 240: 300 uncontrolled in 5 s overflow it). */
  mintRpm?: number;
  /** Runs the simulator's minute faster (its mint bucket refills timeScale times faster); for quick tests. */
  timeScale?: number;
  /** Distinct users; the other browsers are extra tabs of existing users (default 75% of browsers). */
  users?: number;
  /**
   * pacer: "calls" = the unified SDP flow through the broker (no ephemeral key at all);
   * "secret" = a client secret from the broker, then the browser posts its SDP upstream itself.
   */
  flow?: 'calls' | 'secret';
  /** Retries a browser may make (default 2); pacer browsers wait what retry-after-ms says. */
  maxRetries?: number;
  /** pacer: Redis shared by the instances (default $PACER_REDIS_URL, else a redis-server is started, else one shared memory store). */
  redisUrl?: string;
  /** pacer: how long the broker may queue a request before answering 429 + retry-after (default 15 s). */
  maxQueueMs?: number;
  /** Mint latency the simulator adds is its own; this adds nothing. Optional progress callback. */
  onProgress?: (done: number, total: number) => void;
}

export interface RealtimeStormResult {
  mode: StormMode;
  flow: 'calls' | 'secret';
  browsers: number;
  users: number;
  instances: number;
  windowMs: number;
  mintRpm: number;
  timeScale: number;
  store: 'redis' | 'memory-shared' | 'none';
  /** Client secrets the upstream minted. */
  upstreamMints: number;
  /** Realtime sessions the upstream created. */
  upstreamSessions: number;
  /** 429s the upstream answered (mints + session creations). */
  upstream429: number;
  sessionsStarted: number;
  failed: number;
  /** Browsers that needed at least one retry. */
  browsersRetried: number;
  /** Browsers that needed more than one retry (the goal is zero). */
  browsersRetriedTwice: number;
  retries: number;
  /** Arrival to SDP answer, ms, over browsers that got a session. */
  timeToSession: Summary;
  durationMs: number;
}
