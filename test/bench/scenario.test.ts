import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../src/bench/scenario.js';

const MINIMAL = `name: t
load: { demand: 1 }
prompt_tokens: [{ tokens: 100 }]
output_tokens: [{ tokens: 50, weight: 2 }]
`;

function errorOf(text: string): string {
  try {
    parseScenario(text, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('parseScenario', () => {
  it('fills defaults for a minimal file', () => {
    const s = parseScenario(MINIMAL);
    expect(s.model).toBe('gpt-4o-mini');
    expect(s.prompt_tokens).toEqual([{ tokens: 100, weight: 1 }]);
    expect(s.tenants).toEqual([{ name: 'default', share: 1, weight: 1, priority: 'default' }]);
    expect(s.simulator.time_scale).toBe(10);
    expect(s.strategies).toEqual(['naive', 'backoff', 'sdk', 'pacer']);
  });

  it('names the file, line and field of a wrong type', () => {
    const msg = errorOf(MINIMAL + 'simulator:\n  tpm: lots\n');
    expect(msg).toMatch(/^x\.yaml:6: simulator\.tpm: /);
  });

  it('points into arrays', () => {
    const msg = errorOf(MINIMAL.replace('{ tokens: 50, weight: 2 }', '{ tokens: 50, weight: -2 }'));
    expect(msg).toMatch(/^x\.yaml:4: output_tokens\.0\.weight: /);
  });

  it('rejects unknown keys, naming them', () => {
    const msg = errorOf(MINIMAL + 'stream_fracton: 0.5\n');
    expect(msg).toContain('x.yaml');
    expect(msg).toContain('stream_fracton');
  });

  it('requires exactly one of demand and rate_per_s', () => {
    expect(errorOf(MINIMAL.replace('{ demand: 1 }', '{ demand: 1, rate_per_s: 3 }'))).toMatch(
      /x\.yaml:2: load: set exactly one of demand or rate_per_s/,
    );
    expect(errorOf(MINIMAL.replace('{ demand: 1 }', '{}'))).toMatch(/load: set exactly one/);
  });

  it('rejects unknown models, strategies, priorities and duplicate tenants', () => {
    expect(errorOf(MINIMAL + 'model: gpt-9\n')).toMatch(/model: unknown model/);
    expect(errorOf(MINIMAL + 'strategies: [naive, yolo]\n')).toMatch(/strategies\.1/);
    expect(errorOf(MINIMAL + 'tenants: [{ name: a, priority: urgent }]\n')).toMatch(/tenants\.0\.priority/);
    expect(errorOf(MINIMAL + 'tenants: [{ name: a }, { name: a }]\n')).toMatch(
      /tenants: tenant names must be unique/,
    );
  });

  it('reports YAML syntax errors with a line', () => {
    expect(errorOf('name: t\nload: [\n')).toMatch(/^x\.yaml:\d+: invalid YAML/);
  });
});

describe('loadScenario', () => {
  it('loads every bundled scenario', () => {
    for (const name of ['steady', 'burst', 'chaos', 'noisy-tenant', 'mixed-priority']) {
      const { scenario, file } = loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(file.endsWith(`scenarios/${name}.yaml`)).toBe(true);
    }
    expect(loadScenario('burst').scenario.load.demand).toBe(2);
    expect(loadScenario('chaos').scenario.simulator.fault_5xx).toBeGreaterThan(0);
  });

  it('loads a path and reports a missing scenario', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacer-scn-'));
    const file = path.join(dir, 'mine.yaml');
    writeFileSync(file, MINIMAL);
    expect(loadScenario(file).scenario.name).toBe('t');
    expect(() => loadScenario('no-such-scenario')).toThrow(/scenario "no-such-scenario" not found/);
  });
});
