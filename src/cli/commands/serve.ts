import type { Command } from '../command.js';
import { numberFlag, parseFlags } from '../command.js';

const usage = `Usage: pacer serve [--config FILE] [--port N] [--host H]

Runs the OpenAI-compatible gateway. Base URL http://HOST:PORT/v1.

Flags:
  --config FILE   YAML config (default: pacer.yaml in the current directory, if present)
  --port N        port to listen on (default 8787, or server.port)
  --host H        address to bind (default 127.0.0.1, or server.host)

With OPENAI_API_KEY unset and no upstream.base_url, the simulator runs in-process as the
upstream (demo mode). Env overrides: PACER_UPSTREAM_BASE_URL, OPENAI_API_KEY, PACER_REDIS_URL,
PACER_LEDGER, PACER_ADMIN_TOKEN, PACER_DEMO_KEY, PACER_TIME_SCALE, PACER_OTLP_ENDPOINT, and
PACER_<FIELD_PATH> for any other scalar field (e.g. PACER_RETRY_MAX_ATTEMPTS=2).`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the gateway',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
    });
    const port = numberFlag(values['port'] as string | undefined, 'port', { min: 0, integer: true });
    const { startGateway, ConfigError } = await import('../../gateway/index.js');
    let gw;
    try {
      gw = await startGateway({
        ...(typeof values['config'] === 'string' ? { configPath: values['config'] } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(typeof values['host'] === 'string' ? { host: values['host'] } : {}),
      });
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(`pacer serve: ${err.message}`);
        return 2;
      }
      throw err;
    }
    const origin = gw.url.slice(0, -3);
    console.log(`Pacer gateway listening on ${gw.url}`);
    if (gw.simulatorUrl)
      console.log(`Upstream: embedded simulator at ${gw.simulatorUrl} (demo mode, no OPENAI_API_KEY)`);
    if (gw.demoKey) console.log(`Demo key: ${gw.demoKey}`);
    console.log(`Dashboard: ${origin}/dashboard   Metrics: ${origin}/metrics`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await gw.close();
    return 0;
  },
};
