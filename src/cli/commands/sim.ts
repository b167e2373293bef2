import type { Command } from '../command.js';
import { numberFlag, parseFlags, UsageError } from '../command.js';
import type { SimOptions } from '../../simulator/options.js';

const usage = `Usage: pacer sim [flags]

Runs the OpenAI API simulator (chat, responses, embeddings, models, files, batches, realtime).

Flags:
  --port N            Port to listen on (default 4010; 0 = any free port)
  --host H            Address to bind (default 127.0.0.1)
  --rpm N             Requests per minute for every pool (default: each model's Tier-1 limits)
  --tpm N             Tokens per minute for every pool
  --rpd N             Requests per day for every pool
  --tpd N             Tokens per day for every pool
  --ttft-ms N         Median time to first token in ms (default 150; heavy-tailed jitter)
  --tokens-per-s N    Output speed (default 100; 0 = as fast as possible)
  --mint-rpm N        Client-secret mints and realtime sessions per minute (default 200)
  --fault-429 RATE    Probability [0,1] that a request starts a burst of 429s
  --fault-5xx RATE    Probability of a 500/503 server_error
  --fault-stall RATE  Probability that a response stalls mid-way, then the socket drops
  --fault-reset RATE  Probability that the connection is reset before or mid-response
  --time-scale N      Divide every window and latency by N (10 = a minute lasts 6 s)
  --seed N            Seed for text, latency and faults (default 42)
  --quota-tokens N    Total tokens before every request gets 429 insufficient_quota
  --api-key KEY       Accept only this bearer key (default: any non-empty key)
  --stall-ms N        How long a stalled response holds the socket (default 15000)
  --settle-usage      After each request, settle the token charge to actual usage
  --retry-after-ms    Also send retry-after-ms on 429s, as Azure OpenAI does (default: only
                      retry-after in seconds, as api.openai.com; scaled with --time-scale)
  --no-retry-after-ms Send only retry-after (the default; kept for old scripts)
  -h, --help          Show this help

Stats: GET /sim/stats   Reset: POST /sim/reset`;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  rpd: { type: 'string' },
  tpd: { type: 'string' },
  'ttft-ms': { type: 'string' },
  'tokens-per-s': { type: 'string' },
  'mint-rpm': { type: 'string' },
  'fault-429': { type: 'string' },
  'fault-5xx': { type: 'string' },
  'fault-stall': { type: 'string' },
  'fault-reset': { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
  'quota-tokens': { type: 'string' },
  'api-key': { type: 'string' },
  'stall-ms': { type: 'string' },
  'batch-delay-ms': { type: 'string' },
  'settle-usage': { type: 'boolean' },
  'retry-after-ms': { type: 'boolean' },
  'no-retry-after-ms': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseFlags>['values'];

function rate(v: Values[string], name: string): number | undefined {
  const n = numberFlag(v as string | undefined, name, { min: 0 });
  if (n !== undefined && n > 1)
    throw new UsageError(`--${name} must be a rate between 0 and 1, got ${String(v)}`);
  return n;
}

function int(v: Values[string], name: string, min = 0): number | undefined {
  return numberFlag(v as string | undefined, name, { min, integer: true });
}

/** Flags -> simulator options; exported for tests. */
export function parseSimFlags(argv: string[]): SimOptions {
  const { values: v } = parseFlags(argv, FLAGS);
  const o: SimOptions = {};
  const set = <K extends keyof typeof o>(k: K, val: (typeof o)[K] | undefined): void => {
    if (val !== undefined) o[k] = val;
  };
  set('port', int(v['port'], 'port'));
  if (o.port !== undefined && o.port > 65535)
    throw new UsageError(`--port must be at most 65535, got ${o.port}`);
  if (v['host'] !== undefined) set('host', String(v['host']));
  set('rpm', int(v['rpm'], 'rpm', 1));
  set('tpm', int(v['tpm'], 'tpm', 1));
  set('rpd', int(v['rpd'], 'rpd', 1));
  set('tpd', int(v['tpd'], 'tpd', 1));
  set('ttftMs', numberFlag(v['ttft-ms'] as string | undefined, 'ttft-ms', { min: 0 }));
  set('tokensPerS', numberFlag(v['tokens-per-s'] as string | undefined, 'tokens-per-s', { min: 0 }));
  set('mintRpm', int(v['mint-rpm'], 'mint-rpm', 1));
  set('fault429', rate(v['fault-429'], 'fault-429'));
  set('fault5xx', rate(v['fault-5xx'], 'fault-5xx'));
  set('faultStall', rate(v['fault-stall'], 'fault-stall'));
  set('faultReset', rate(v['fault-reset'], 'fault-reset'));
  const scale = numberFlag(v['time-scale'] as string | undefined, 'time-scale');
  if (scale !== undefined && !(scale > 0))
    throw new UsageError(`--time-scale must be greater than 0, got ${String(v['time-scale'])}`);
  set('timeScale', scale);
  set('seed', int(v['seed'], 'seed'));
  set('quotaTokens', int(v['quota-tokens'], 'quota-tokens'));
  if (v['api-key'] !== undefined) set('apiKey', String(v['api-key']));
  set('stallMs', numberFlag(v['stall-ms'] as string | undefined, 'stall-ms', { min: 0 }));
  set('batchDelayMs', numberFlag(v['batch-delay-ms'] as string | undefined, 'batch-delay-ms', { min: 0 }));
  if (v['settle-usage'] === true) o.settleUsage = true;
  if (v['retry-after-ms'] === true && v['no-retry-after-ms'] === true)
    throw new UsageError('--retry-after-ms and --no-retry-after-ms contradict each other');
  if (v['retry-after-ms'] === true) o.retryAfterMs = true;
  if (v['no-retry-after-ms'] === true) o.retryAfterMs = false;
  return o;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'Run the OpenAI API simulator',
  usage,
  async run(argv) {
    const options = parseSimFlags(argv);
    const { startSimulator } = await import('../../simulator/index.js');
    const sim = await startSimulator(options);
    const o = sim.ctx.options;
    console.log(`Pacer simulator listening on ${sim.url}`);
    console.log(
      `  seed ${o.seed}, time-scale ${o.timeScale}, ttft ${o.ttftMs} ms, ${o.tokensPerS || 'unlimited'} tokens/s; stats at ${sim.url.replace(/\/v1$/, '')}/sim/stats`,
    );
    return new Promise<number>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        sim.close().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};
