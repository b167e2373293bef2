import { parseBatchInput, type BatchLine } from './batch-input.js';
import { addUsage, createBatchObject, type BatchObject } from './batch-object.js';
import type { FileStore } from './file-store.js';
import type { IdGenerator } from './ids.js';

/** What one batch line produced, as the simulator's own endpoint handler answered it. */
export interface RunResult {
  status: number;
  body: unknown;
  requestId?: string;
}

export interface BatchDeps {
  now(): number;
  ids: IdGenerator;
  files: FileStore;
  /** Runs one request through the simulator's generators, without rate limiting. */
  runRequest(endpoint: string, body: Record<string, unknown>): Promise<RunResult>;
  /** Wall-clock ms a batch takes from creation to completion (already time-scaled). */
  delayMs: number;
}

export interface BatchService {
  create(input: {
    inputFileId: string;
    endpoint: string;
    metadata: Record<string, string> | null;
  }): BatchObject;
  get(id: string): BatchObject | undefined;
  /** Newest first. */
  list(): BatchObject[];
  /** undefined when the batch is not in a cancellable state. */
  cancel(id: string): BatchObject | undefined;
  close(): void;
}

/** Lines run at once per batch: enough to finish quickly, few enough not to starve live traffic. */
const CONCURRENCY = 4;

/**
 * Batches move validating -> in_progress -> finalizing -> completed over `delayMs`, or to
 * failed when the input does not validate, or cancelling -> cancelled.
 */
export function createBatchService(deps: BatchDeps): BatchService {
  const batches = new Map<string, BatchObject>();
  const timers = new Set<NodeJS.Timeout>();
  const cancelled = new Set<string>();
  const seconds = (): number => Math.floor(deps.now() / 1000);

  const after = (ms: number, fn: () => void): void => {
    const t = setTimeout(
      () => {
        timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref();
    timers.add(t);
  };

  function start(batch: BatchObject): void {
    const created = deps.now();
    after(deps.delayMs * 0.1, () => {
      if (batch.status !== 'validating') return;
      const file = deps.files.get(batch.input_file_id);
      const parsed = parseBatchInput(file ? file.data.toString('utf8') : '', batch.endpoint);
      if (!parsed.ok) {
        batch.status = 'failed';
        batch.failed_at = seconds();
        batch.errors = { object: 'list', data: parsed.errors };
        return;
      }
      batch.model = parsed.model;
      batch.status = 'in_progress';
      batch.in_progress_at = seconds();
      batch.request_counts.total = parsed.lines.length;
      void runLines(batch, parsed.lines).then((out) => {
        const finish = (): void => {
          if (batch.status === 'cancelling') return finishCancel(batch, out);
          batch.status = 'finalizing';
          batch.finalizing_at = seconds();
          after(created + deps.delayMs - deps.now(), () => writeOutputs(batch, out, 'completed'));
        };
        if (batch.status === 'cancelling') finishCancel(batch, out);
        else after(created + deps.delayMs * 0.8 - deps.now(), finish);
      });
    });
  }

  async function runLines(
    batch: BatchObject,
    lines: BatchLine[],
  ): Promise<{ ok: string[]; failed: string[] }> {
    const out = { ok: [] as string[], failed: [] as string[] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < lines.length && !cancelled.has(batch.id)) {
        const line = lines[next++]!;
        const text = await runLine(batch, line);
        (text.ok ? out.ok : out.failed).push(text.line);
        if (text.ok) batch.request_counts.completed++;
        else batch.request_counts.failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, lines.length) }, worker));
    return out;
  }

  async function runLine(batch: BatchObject, line: BatchLine): Promise<{ ok: boolean; line: string }> {
    const id = deps.ids.hex('batch_req_');
    try {
      const r = await deps.runRequest(line.url, line.body);
      const requestId = r.requestId ?? deps.ids.hex('req_');
      const ok = r.status < 400;
      if (ok) addUsage(batch.usage, r.body);
      const record = {
        id,
        custom_id: line.customId,
        response: { status_code: r.status, request_id: requestId, body: r.body },
        error: null,
      };
      return { ok, line: JSON.stringify(record) };
    } catch (err) {
      const error = {
        code: 'server_error',
        message: err instanceof Error ? err.message : 'The request failed.',
      };
      return { ok: false, line: JSON.stringify({ id, custom_id: line.customId, response: null, error }) };
    }
  }

  function writeOutputs(
    batch: BatchObject,
    out: { ok: string[]; failed: string[] },
    final: 'completed' | 'cancelled',
  ): void {
    const write = (lines: string[], name: string): string | null =>
      lines.length === 0
        ? null
        : deps.files.create({
            filename: name,
            purpose: 'batch_output',
            data: Buffer.from(lines.join('\n') + '\n'),
          }).id;
    batch.output_file_id = write(out.ok, `${batch.id}_output.jsonl`);
    batch.error_file_id = write(out.failed, `${batch.id}_error.jsonl`);
    batch.status = final;
    if (final === 'completed') batch.completed_at = seconds();
    else batch.cancelled_at = seconds();
  }

  function finishCancel(batch: BatchObject, out: { ok: string[]; failed: string[] }): void {
    after(Math.min(deps.delayMs * 0.1, 1000), () => writeOutputs(batch, out, 'cancelled'));
  }

  return {
    create({ inputFileId, endpoint, metadata }) {
      const batch = createBatchObject({
        id: deps.ids.hex('batch_'),
        endpoint,
        inputFileId,
        createdAt: seconds(),
        metadata,
      });
      batches.set(batch.id, batch);
      start(batch);
      return batch;
    },
    get: (id) => batches.get(id),
    list: () => [...batches.values()].reverse(),
    cancel(id) {
      const batch = batches.get(id);
      if (!batch || (batch.status !== 'validating' && batch.status !== 'in_progress')) return undefined;
      const wasValidating = batch.status === 'validating';
      batch.status = 'cancelling';
      batch.cancelling_at = seconds();
      cancelled.add(id);
      // In progress, the running lines drain and finish() writes what completed.
      if (wasValidating) finishCancel(batch, { ok: [], failed: [] });
      return batch;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
