#!/usr/bin/env node
import type { Command } from './command.js';
import { UsageError } from './command.js';

/** Each command is loaded only when asked for, so `pacer sim` does not pay for the gateway's imports. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'Run the gateway (embedded simulator when no upstream is configured)',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  sim: {
    summary: 'Run the OpenAI API simulator',
    load: async () => (await import('./commands/sim.js')).simCommand,
  },
  bench: {
    summary: 'Load, burst and chaos runs with an HTML report',
    load: async () => (await import('./commands/bench.js')).benchCommand,
  },
  keys: {
    summary: 'Create, list and revoke virtual keys',
    load: async () => (await import('./commands/keys.js')).keysCommand,
  },
  usage: {
    summary: 'Report usage and cost from the ledger',
    load: async () => (await import('./commands/usage.js')).usageCommand,
  },
};

function topHelp(): string {
  const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`);
  return [
    'Usage: pacer <command> [flags]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `pacer <command> --help` for its flags.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(topHelp());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    console.log(pkg.version);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`pacer: unknown command "${name}"\n\n${topHelp()}`);
    return 2;
  }
  let command: Command;
  try {
    command = await entry.load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      console.error(`pacer ${name}: not available in this build`);
      return 2;
    }
    throw err;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`pacer ${name}: ${err.message}\n\n${command.usage}`);
      return 2;
    }
    console.error(`pacer ${name}: ${(err as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`pacer: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
