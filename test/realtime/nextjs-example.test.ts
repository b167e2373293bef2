import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionRoute, createCallRoute } from '../../examples/nextjs-realtime/lib/session-route.js';
import { systemClock } from '../../src/platform/system.js';
import {
  createMemoryRealtimeStore,
  createRealtimeBroker,
  type RealtimeBroker,
} from '../../src/realtime/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { OFFER, SERVER_KEY } from './harness.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
let broker: RealtimeBroker;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5, apiKey: SERVER_KEY, mintRpm: 1000 });
  broker = createRealtimeBroker({
    store: createMemoryRealtimeStore(systemClock),
    upstream: { baseUrl: sim.url, apiKey: SERVER_KEY },
    limits: { upstreamRpm: 1000, userConnectsPerMinute: 3 },
    sessionDefaults: { type: 'realtime', model: 'gpt-realtime' },
  });
});
afterAll(async () => {
  await sim.close();
});

const identify = (r: Request) => {
  const user = r.headers.get('x-user-id');
  return user ? { tenant: 'app', user } : null;
};
const post = (user: string | undefined, body = '{}') =>
  new Request('http://app.local/api/realtime/session', {
    method: 'POST',
    body,
    headers: user ? { 'x-user-id': user } : {},
  });

describe('examples/nextjs-realtime route handlers', () => {
  it('concurrent requests of one user share one mint; another user gets their own', async () => {
    const route = createSessionRoute({ broker, identify });
    const before = sim.stats().client_secrets_minted;
    const [a, b, c] = await Promise.all([route(post('ann')), route(post('ann')), route(post('bo'))]);
    const [ja, jb, jc] = (await Promise.all([a.json(), b.json(), c.json()])) as { value: string }[];
    expect(ja?.value).toMatch(/^ek_/);
    expect(jb?.value).toBe(ja?.value);
    expect(jc?.value).not.toBe(ja?.value);
    expect(sim.stats().client_secrets_minted - before).toBe(2);
    expect(a.headers.get('cache-control')).toBe('no-store');
  });

  it('401 without a signed-in user; 429 with readable retry headers over the per-user rate', async () => {
    const route = createSessionRoute({ broker, identify });
    expect((await route(post(undefined))).status).toBe(401);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await route(post('cy'));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last?.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(last?.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('the call route exchanges an SDP offer for an answer', async () => {
    const route = createCallRoute({ broker, identify });
    const res = await route(
      new Request('http://app.local/api/realtime/call', {
        method: 'POST',
        body: OFFER,
        headers: { 'x-user-id': 'di' },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/rtc_/);
    expect((await res.text()).startsWith('v=0')).toBe(true);
  });
});
