import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSimFlags } from '../../src/cli/commands/sim.js';

describe('pacer sim flags', () => {
  it('maps every SPEC flag to simulator options', () => {
    const o = parseSimFlags([
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--rpm',
      '60',
      '--tpm',
      '1000',
      '--rpd',
      '100',
      '--tpd',
      '10000',
      '--ttft-ms',
      '20',
      '--tokens-per-s',
      '500',
      '--mint-rpm',
      '5',
      '--fault-429',
      '0.1',
      '--fault-5xx',
      '0.2',
      '--fault-stall',
      '0.05',
      '--fault-reset',
      '0.01',
      '--time-scale',
      '10',
      '--seed',
      '9',
      '--quota-tokens',
      '5000',
      '--no-retry-after-ms',
      '--settle-usage',
    ]);
    expect(o).toEqual({
      port: 0,
      host: '0.0.0.0',
      rpm: 60,
      tpm: 1000,
      rpd: 100,
      tpd: 10000,
      ttftMs: 20,
      tokensPerS: 500,
      mintRpm: 5,
      fault429: 0.1,
      fault5xx: 0.2,
      faultStall: 0.05,
      faultReset: 0.01,
      timeScale: 10,
      seed: 9,
      quotaTokens: 5000,
      retryAfterMs: false,
      settleUsage: true,
    });
  });

  it('--retry-after-ms turns the extra header on (off by default, as api.openai.com)', () => {
    expect(parseSimFlags(['--retry-after-ms'])).toEqual({ retryAfterMs: true });
    expect(parseSimFlags([])).toEqual({});
  });

  it('rejects bad values with the flag name', () => {
    expect(() => parseSimFlags(['--rpm', 'abc'])).toThrow(/--rpm must be a number/);
    expect(() => parseSimFlags(['--fault-5xx', '1.5'])).toThrow(/--fault-5xx must be a rate/);
    expect(() => parseSimFlags(['--time-scale', '0'])).toThrow(/--time-scale must be greater than 0/);
    expect(() => parseSimFlags(['--nope'])).toThrow(/Unknown option '--nope'/);
    expect(() => parseSimFlags(['--retry-after-ms', '--no-retry-after-ms'])).toThrow(/contradict/);
  });

  it('runs from the built CLI: prints the base URL, serves, exits 0 on SIGTERM; bad flag exits 2', async () => {
    const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    const bad = spawn(process.execPath, [main, 'sim', '--bogus'], { stdio: 'pipe' });
    const badCode = await new Promise<number | null>((r) => bad.once('exit', r));
    expect(badCode).toBe(2);

    const child = spawn(process.execPath, [main, 'sim', '--port', '0', '--ttft-ms', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/\S+\/v1)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const r = await fetch(`${url}/models`, { headers: { authorization: 'Bearer sk-1' } });
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((r2) => child.once('exit', r2));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
