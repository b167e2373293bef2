import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/command.js';
import { benchCommand, parseCompare } from '../../src/cli/commands/bench.js';

describe('pacer bench flags', () => {
  it('parses --compare and rejects unknown strategies by name', () => {
    expect(parseCompare('naive, sdk,pacer')).toEqual(['naive', 'sdk', 'pacer']);
    expect(parseCompare(undefined)).toBeUndefined();
    expect(() => parseCompare('naive,yolo')).toThrow(/unknown strategy "yolo"/);
    expect(() => parseCompare(',')).toThrow(UsageError);
  });

  it('requires --scenario and validates numbers and the target URL', async () => {
    await expect(benchCommand.run([])).rejects.toThrow(/--scenario is required/);
    await expect(benchCommand.run(['--scenario', 'steady', '--duration', 'soon'])).rejects.toThrow(
      /--duration must be a number/,
    );
    await expect(benchCommand.run(['--scenario', 'steady', '--seed', '1.5'])).rejects.toThrow(
      /--seed must be an integer/,
    );
    await expect(benchCommand.run(['--scenario', 'steady', '--target', 'localhost:4010'])).rejects.toThrow(
      /--target must be an http/,
    );
    await expect(benchCommand.run(['--scenario', 'steady', '--bogus'])).rejects.toThrow(UsageError);
  });

  it('exits 2 with the file, line and field of a bad scenario', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacer-bench-cli-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\nload: { demand: -1 }\nprompt_tokens: [{ tokens: 1 }]\noutput_tokens: [{ tokens: 1 }]\n',
    );
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await benchCommand.run(['--scenario', file])).toBe(2);
      expect(String(err.mock.calls[0]?.[0])).toMatch(/bad\.yaml:2: load\.demand: /);
    } finally {
      err.mockRestore();
    }
  });
});
