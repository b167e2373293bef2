import OpenAI from 'openai';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator, SimOptions, SimulatorOptions } from '../../src/simulator/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../src/gateway/index.js';
import type { RunningGateway, StartGatewayOptions } from '../../src/gateway/index.js';

export const ISOLATED_ENV = {
  PACER_LEDGER: 'off',
  PACER_KEYS_DB: join(tmpdir(), `pacer-no-keys-${process.pid}.sqlite`),
};

export const UPSTREAM_KEY = 'sk-upstream-SECRET-0123456789abcdef';

export interface Harness {
  sim: RunningSimulator;
  gw: RunningGateway;
  logs: string[];
  client(opts?: { maxRetries?: number; apiKey?: string }): OpenAI;
  close(): Promise<void>;
}

/** The tests' upstream: a fast, seeded simulator on port 0 that wants UPSTREAM_KEY. */
export function startTestSimulator(simOpts: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    host: '127.0.0.1',
    seed: 7,
    ttftMs: 0,
    tokensPerS: 100_000,
    apiKey: UPSTREAM_KEY,
    ...simOpts,
  } as SimOptions);
}

/** A simulator and a gateway in front of it, both on real sockets (port 0). */
export async function startHarness(
  simOpts: SimulatorOptions = {},
  gwOpts: StartGatewayOptions = {},
): Promise<Harness> {
  const sim = await startTestSimulator(simOpts);
  const logs: string[] = [];
  const gw = await startGateway({
    port: 0,
    host: '127.0.0.1',
    upstreamBaseUrl: sim.url,
    upstreamApiKey: UPSTREAM_KEY,
    // Keep tests out of the checkout's .pacer/: no ledger file, and a key store that does not
    // exist (a developer's own keys there would turn demo mode off). Tests with a config set both.
    env: gwOpts.config === undefined && gwOpts.configPath === undefined ? ISOLATED_ENV : {},
    log: (line) => logs.push(line),
    ...gwOpts,
  });
  return {
    sim,
    gw,
    logs,
    client: (o = {}) =>
      new OpenAI({ baseURL: gw.url, apiKey: o.apiKey ?? 'pacer-demo-key', maxRetries: o.maxRetries ?? 0 }),
    async close() {
      await gw.close();
      await sim.close();
    },
  };
}
