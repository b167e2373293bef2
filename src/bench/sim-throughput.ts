/**
 * Simulator throughput benchmark: `npm run build && node dist/bench/sim-throughput.js`.
 * Starts `pacer sim` in a child process (huge limits, ttft 0), drives it with an undici Pool for
 * --duration seconds of non-streaming chat completions, then opens --streams concurrent
 * streams and checks every one ends with `data: [DONE]`. Prints req/s, p50/p99, stream stats.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    pipelining: { type: 'string', default: '1' },
    streams: { type: 'string', default: '2000' },
    'stream-tokens-per-s': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    baseline: { type: 'boolean', default: true },
    'no-baseline': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  console.log(
    'Usage: node dist/bench/sim-throughput.js [--duration S] [--connections N] [--pipelining N] [--streams N] [--stream-tokens-per-s N] [--no-baseline] [--json]',
  );
  process.exit(0);
}

const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Benchmark the simulator, please.' }],
  max_tokens: 64,
});
const STREAM_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Stream a short answer.' }],
  // Long enough (about 10 s at the default 20 tokens/s) that every stream is open at once.
  max_tokens: 200,
  stream: true,
  stream_options: { include_usage: true },
});
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' };

async function startChild(tokensPerS: number): Promise<{ child: ChildProcess; origin: string }> {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const args = [
    main,
    'sim',
    '--port',
    '0',
    '--rpm',
    '1000000000',
    '--tpm',
    '1000000000000',
    // The daily limits too: gpt-4o-mini's default 10,000 RPD would end the run after 10k requests.
    '--rpd',
    '1000000000000',
    '--tpd',
    '1000000000000',
    '--ttft-ms',
    '0',
    '--tokens-per-s',
    String(tokensPerS),
    '--seed',
    '1',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/[^\s]+)\/v1/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited early (code ${code})`)));
  });
  return { child, origin };
}

/** A bare node:http server answering a fixed JSON body: the machine's own ceiling, for scale. */
const BASELINE_SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(300) } }] });
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); }); });
s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port + '/v1'));
process.on('SIGTERM', () => process.exit(0));`;

async function startBaseline(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['-e', BASELINE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim().replace(/\/v1$/, '')));
    child.once('exit', (code) => reject(new Error(`baseline exited early (code ${code})`)));
  });
  return { child, origin };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

/** CPU seconds (user + system) the child has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runJson(origin: string, seconds: number, connections: number, pipelining: number) {
  const pool = new Pool(origin, { connections, pipelining });
  const lat: number[] = [];
  let ok = 0;
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const r = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: HEADERS,
          body: BODY,
        });
        await r.body.text();
        if (r.statusCode === 200) ok++;
        else failed++;
      } catch {
        failed++;
      }
      lat.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections * pipelining }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  await pool.close();
  lat.sort((a, b) => a - b);
  return {
    requests: ok + failed,
    ok,
    failed,
    seconds: elapsed,
    reqPerS: ok / elapsed,
    p50Ms: pct(lat, 50),
    p99Ms: pct(lat, 99),
    serverCpuUsPerReq: NaN,
    reqPerServerCpuS: NaN,
  };
}

async function runStreams(origin: string, count: number) {
  const pool = new Pool(origin, { connections: count, pipelining: 1 });
  let completed = 0;
  let failed = 0;
  let maxOpen = 0;
  let open = 0;
  const ttft: number[] = [];
  const total: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      const s = performance.now();
      try {
        const r = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: HEADERS,
          body: STREAM_BODY,
        });
        open++;
        maxOpen = Math.max(maxOpen, open);
        let text = '';
        let first = true;
        for await (const chunk of r.body) {
          if (first) {
            ttft.push(performance.now() - s);
            first = false;
          }
          text += (chunk as Buffer).toString();
        }
        open--;
        if (r.statusCode === 200 && text.endsWith('data: [DONE]\n\n') && text.includes('"usage":{'))
          completed++;
        else failed++;
      } catch {
        failed++;
      }
      total.push(performance.now() - s);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  ttft.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return {
    streams: count,
    completed,
    failed,
    maxConcurrentOpen: maxOpen,
    seconds,
    ttftP50Ms: pct(ttft, 50),
    ttftP99Ms: pct(ttft, 99),
    durationP50Ms: pct(total, 50),
    durationP99Ms: pct(total, 99),
  };
}

async function main(): Promise<void> {
  const seconds = Number(flags.duration);
  if (flags['no-baseline']) flags.baseline = false;
  let baseline: { reqPerS: number; serverCpuUsPerReq: number } | undefined;
  if (flags.baseline) {
    const b = await startBaseline();
    try {
      await runJson(b.origin, 0.5, 8, 1);
      const c0 = cpuSeconds(b.child);
      const r = await runJson(
        b.origin,
        Math.min(seconds, 3),
        Number(flags.connections),
        Number(flags.pipelining),
      );
      baseline = { reqPerS: r.reqPerS, serverCpuUsPerReq: ((cpuSeconds(b.child) - c0) * 1e6) / r.requests };
    } finally {
      await stopChild(b.child);
    }
  }
  // Non-streaming at full speed (tokens/s 0: JSON answers do not wait on generation time).
  const fast = await startChild(0);
  let json: Awaited<ReturnType<typeof runJson>>;
  let wrkResult: { reqPerS: number; output: string } | null = null;
  try {
    await runJson(fast.origin, 0.5, 8, 1); // warm up the JIT and the tokenizer memo
    const cpu0 = cpuSeconds(fast.child);
    json = await runJson(fast.origin, seconds, Number(flags.connections), Number(flags.pipelining));
    // Server CPU per request: meaningful even when the machine is shared with other load.
    const cpu = cpuSeconds(fast.child) - cpu0;
    json = { ...json, serverCpuUsPerReq: (cpu * 1e6) / json.requests, reqPerServerCpuS: json.requests / cpu };
    wrkResult = runWrk(fast.origin, seconds);
  } finally {
    await stopChild(fast.child);
  }
  // Streams paced at a realistic rate, so thousands are open at the same time.
  const { child, origin } = await startChild(Number(flags['stream-tokens-per-s']));
  try {
    const cpu0 = cpuSeconds(child);
    const streams = { ...(await runStreams(origin, Number(flags.streams))), serverCpuS: 0 };
    streams.serverCpuS = cpuSeconds(child) - cpu0;
    const result = { baseline, nonStreaming: json, wrk: wrkResult, streaming: streams };
    if (flags.json) console.log(JSON.stringify(result, null, 2));
    else {
      const f = (n: number): string => n.toFixed(1);
      if (baseline) {
        console.log(
          `baseline (bare node:http, same client): ${baseline.reqPerS.toFixed(0)} req/s, server CPU ${baseline.serverCpuUsPerReq.toFixed(0)} us/request`,
        );
      }
      console.log(
        `non-streaming: ${json.ok} ok, ${json.failed} failed in ${f(json.seconds)} s -> ${json.reqPerS.toFixed(0)} req/s, p50 ${f(json.p50Ms)} ms, p99 ${f(json.p99Ms)} ms`,
      );
      console.log(
        `  server CPU ${json.serverCpuUsPerReq.toFixed(0)} us/request -> ${json.reqPerServerCpuS.toFixed(0)} req/s per core of simulator CPU`,
      );
      if (wrkResult)
        console.log(
          `non-streaming with wrk (a C client, so the client is not the bottleneck): ${wrkResult.reqPerS.toFixed(0)} req/s`,
        );
      else
        console.log(
          '(install wrk — apt-get install wrk — to measure with a client that is not itself the bottleneck)',
        );
      console.log(
        `streaming: ${streams.completed}/${streams.streams} completed (${streams.failed} failed), max ${streams.maxConcurrentOpen} open at once, ttft p50 ${f(streams.ttftP50Ms)} ms p99 ${f(streams.ttftP99Ms)} ms, duration p50 ${f(streams.durationP50Ms)} ms p99 ${f(streams.durationP99Ms)} ms, wall ${f(streams.seconds)} s, simulator CPU ${f(streams.serverCpuS)} s`,
      );
    }
    if (json.failed > 0 || streams.failed > 0) process.exitCode = 1;
  } finally {
    await stopChild(child);
  }
}

/**
 * A Node client on the same 2 cores saturates before the simulator does; wrk (C, one thread)
 * shows what the simulator itself sustains. Skipped when wrk is not installed.
 */
function runWrk(origin: string, seconds: number): { reqPerS: number; output: string } | null {
  const script = join(tmpdir(), `pacer-wrk-${process.pid}.lua`);
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":16}'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer sk-bench"\n`,
  );
  const r = spawnSync(
    'wrk',
    ['-t1', '-c64', `-d${Math.max(1, Math.round(seconds))}s`, '-s', script, `${origin}/v1/chat/completions`],
    { encoding: 'utf8' },
  );
  rmSync(script, { force: true });
  if (r.error || r.status !== 0) return null;
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout);
  if (!m || non2xx) return null;
  return { reqPerS: Number(m[1]), output: r.stdout };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
