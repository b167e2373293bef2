import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/gateway/config.js';

const SPEC_EXAMPLE = `upstream: { base_url: https://api.openai.com/v1 }   # key from OPENAI_API_KEY
pools:                      # optional: limits otherwise learned from upstream headers
  gpt-4o-mini: { rpm: 500, tpm: 200000, models: [gpt-4o-mini, gpt-4o-mini-2024-07-18] }
plans:
  free: { rpm: 20, tpm: 20000, tokens_per_day: 200000, usd_per_day: 1, models: [gpt-4o-mini], weight: 1 }
  pro:  { rpm: 600, tpm: 400000, usd_per_month: 500, weight: 4 }
tenants:
  acme: { plan: pro }
`;

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pacer-config-'));
  const path = join(dir, 'pacer.yaml');
  writeFileSync(path, text);
  return path;
}

describe('gateway config', () => {
  it('accepts the SPEC example and fills defaults', () => {
    const c = loadConfig({ path: file(SPEC_EXAMPLE), env: {} });
    expect(c.upstream.base_url).toBe('https://api.openai.com/v1');
    expect(c.pools['gpt-4o-mini']?.tpm).toBe(200000);
    expect(c.plans['pro']?.weight).toBe(4);
    expect(c.tenants['acme']?.plan).toBe('pro');
    expect(c.server.port).toBe(8787);
    expect(c.retry.max_attempts).toBe(3);
    expect(Object.isFrozen(c.pools)).toBe(true);
  });

  it('names the file, line and path of an unknown key', () => {
    const path = file('headroom: 0.1\nretry:\n  max_attempts: 2\n  jitter: full\n');
    expect(() => loadConfig({ path, env: {} })).toThrow(ConfigError);
    try {
      loadConfig({ path, env: {} });
    } catch (err) {
      expect((err as Error).message).toContain(`${path}:4:`);
      expect((err as Error).message).toContain('retry: unknown key "jitter"');
    }
  });

  it('names the path and reason of a bad value', () => {
    const path = file('pools:\n  mini: { rpm: -5, models: [gpt-4o-mini] }\n');
    expect(() => loadConfig({ path, env: {} })).toThrow(/pacer\.yaml:2:\d+: pools\.mini\.rpm: .*>=0/);
  });

  it('reports YAML syntax errors with a line', () => {
    const path = file('pools: {\n  a: [\n');
    expect(() => loadConfig({ path, env: {} })).toThrow(/pacer\.yaml:\d+:\d+: invalid YAML/);
  });

  it('env overrides every scalar field', () => {
    const c = loadConfig({
      raw: { headroom: 0.1 },
      env: {
        PACER_UPSTREAM_BASE_URL: 'http://127.0.0.1:4010/v1',
        PACER_HEADROOM: '0.05',
        PACER_RETRY_MAX_ATTEMPTS: '5',
        PACER_DEMO_KEY: 'k-demo',
        PACER_TIME_SCALE: '10',
        PACER_CORS_ORIGINS: 'https://a.example, https://b.example',
        PACER_ADMIN_TOKEN: 'admin-token-123',
      },
    });
    expect(c.upstream.base_url).toBe('http://127.0.0.1:4010/v1');
    expect(c.headroom).toBe(0.05);
    expect(c.retry.max_attempts).toBe(5);
    expect(c.demo_key).toBe('k-demo');
    expect(c.time_scale).toBe(10);
    expect(c.cors.origins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.admin.token).toBe('admin-token-123');
    expect(() => loadConfig({ raw: {}, env: { PACER_HEADROOM: 'lots' } })).toThrow(
      /PACER_HEADROOM: expected a number/,
    );
  });

  it('uses pacer.yaml from the working directory when present', () => {
    const path = file('headroom: 0.3\n');
    const c = loadConfig({ cwd: join(path, '..'), env: {} });
    expect(c.headroom).toBe(0.3);
    expect(c.source).toBe(path);
  });

  describe('default_max_output_tokens', () => {
    it('takes a number (as before), defaulting to 4096, and PACER_DEFAULT_MAX_OUTPUT_TOKENS', () => {
      expect(loadConfig({ raw: {}, env: {} }).default_max_output_tokens).toBe(4096);
      expect(loadConfig({ raw: { default_max_output_tokens: 512 }, env: {} }).default_max_output_tokens).toBe(
        512,
      );
      const env = { PACER_DEFAULT_MAX_OUTPUT_TOKENS: '300' };
      expect(
        loadConfig({ raw: { default_max_output_tokens: { o3: 9 } }, env }).default_max_output_tokens,
      ).toBe(300);
    });

    it('takes a map of model, family or pool to tokens; "default" is the fallback (4096 when left out)', () => {
      const path = file(
        [
          'pools:',
          '  minis: { tpm: 100000, models: [gpt-4o-mini, gpt-4.1-mini] }',
          'default_max_output_tokens:',
          '  default: 2048',
          '  o3: 16000',
          '  minis: 512',
          '  gpt-4.1-mini: 700',
          '',
        ].join('\n'),
      );
      expect(loadConfig({ path, env: {} }).default_max_output_tokens).toEqual({
        default: 2048,
        o3: 16000,
        minis: 512,
        'gpt-4o-mini': 512, // from its configured pool
        'gpt-4.1-mini': 700, // its own entry wins over the pool's
      });
      expect(
        loadConfig({ raw: { default_max_output_tokens: { o3: 1 } }, env: {} }).default_max_output_tokens,
      ).toEqual({
        o3: 1,
        default: 4096,
      });
    });

    it('names the file, line, entry and reason of a bad value', () => {
      const path = file('default_max_output_tokens:\n  default: 100\n  gpt-4o: -5\n');
      expect(() => loadConfig({ path, env: {} })).toThrow(
        /pacer\.yaml:3:\d+: default_max_output_tokens\.gpt-4o: must be at least 1/,
      );
      expect(() => loadConfig({ raw: { default_max_output_tokens: { o3: 'lots' } }, env: {} })).toThrow(
        /default_max_output_tokens\.o3: expected a whole number of output tokens/,
      );
      expect(() => loadConfig({ raw: { default_max_output_tokens: 'lots' }, env: {} })).toThrow(
        /default_max_output_tokens: expected a whole number of output tokens \(at least 1\), or a map/,
      );
      expect(() => loadConfig({ raw: { default_max_output_tokens: 1.5 }, env: {} })).toThrow(
        /default_max_output_tokens: expected a whole number/,
      );
    });
  });
});
