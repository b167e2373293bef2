import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

// The examples run as users run them: plain node on the compiled package (npm test builds first).
describe('examples', { timeout: 60_000 }, () => {
  it('dist is built', () => {
    expect(existsSync(`${root}dist/index.js`), 'run `npm run build` first').toBe(true);
  });

  it("the runnable examples import the package as 'pacer' (package.json exports), as the README shows", () => {
    const scripts = readdirSync(`${root}examples`).filter((f) => f.endsWith('.mjs'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const f of scripts) {
      const text = readFileSync(`${root}examples/${f}`, 'utf8');
      expect(text, f).toMatch(/from 'pacer';/);
      expect(text, f).not.toMatch(/from '\.\.?\//);
    }
  });

  it('sdk-through-gateway.mjs talks to a demo gateway with the official SDK', async () => {
    const { stdout } = await run(process.execPath, ['examples/sdk-through-gateway.mjs'], {
      cwd: root,
      timeout: 45_000,
      env: { ...process.env, PACER_BASE_URL: '', OPENAI_API_KEY: '' },
    });
    expect(stdout).toContain('model used: gpt-4o-mini');
    expect(stdout).toContain('embedding dims: 1536');
    expect(stdout).toMatch(/responses \(streamed\): \S+/);
  });

  it('in-process.mjs paces 30 SDK calls through createPacer with no upstream 429', async () => {
    const { stdout } = await run(process.execPath, ['examples/in-process.mjs'], {
      cwd: root,
      timeout: 45_000,
    });
    expect(stdout).toContain('30/30 succeeded');
    expect(stdout).toContain('upstream 429s: 0');
  });
});
