import { MinHeap } from './heap.js';

export type Priority = 'interactive' | 'default' | 'batch';
/** Highest first. */
export const PRIORITY_ORDER: readonly Priority[] = ['interactive', 'default', 'batch'];

export interface QueueItem {
  readonly id: number;
  readonly tenant: string;
  readonly priority: Priority;
  /** Weighted fair share of the tenant (> 0). */
  readonly weight: number;
  readonly tokens: number;
  readonly enqueuedAt: number;
  /** Clock ms after which the item must not start. */
  readonly deadline: number;
  /** Virtual start and finish times (set on enqueue). */
  start: number;
  finish: number;
  removed: boolean;
}

interface ClassQueue {
  heap: MinHeap<QueueItem>;
  /** Virtual time: the start tag of the last item served. */
  vtime: number;
  /** Finish tag of each tenant's last enqueued item. */
  lastFinish: Map<string, number>;
  count: number;
  tokens: number;
  /** Live items per tenant (who is waiting in this class, for the reserve rule). */
  waiting: Map<string, number>;
}

/**
 * Admission queue: strict priority between classes, weighted fair queuing across tenants within
 * a class (start-time fair queuing: each item's finish tag = max(vtime, tenant's last finish) +
 * cost / weight; the smallest finish goes first), and a deadline index. Deterministic: ties break
 * by id.
 */
export interface AdmissionQueue {
  classes: Record<Priority, ClassQueue>;
  byDeadline: MinHeap<QueueItem>;
  size: number;
}

const byFinish = (a: QueueItem, b: QueueItem): boolean =>
  a.finish < b.finish || (a.finish === b.finish && a.id < b.id);
const byDeadline = (a: QueueItem, b: QueueItem): boolean =>
  a.deadline < b.deadline || (a.deadline === b.deadline && a.id < b.id);

function classQueue(): ClassQueue {
  return {
    heap: new MinHeap(byFinish),
    vtime: 0,
    lastFinish: new Map(),
    count: 0,
    tokens: 0,
    waiting: new Map(),
  };
}

export function createQueue(): AdmissionQueue {
  return {
    classes: { interactive: classQueue(), default: classQueue(), batch: classQueue() },
    byDeadline: new MinHeap(byDeadline),
    size: 0,
  };
}

/** WFQ cost of an item: its tokens, at least 1 so request-only traffic is still shared fairly. */
function costOf(item: QueueItem): number {
  return Math.max(1, item.tokens);
}

export function enqueue(q: AdmissionQueue, item: QueueItem): void {
  const c = q.classes[item.priority];
  const start = Math.max(c.vtime, c.lastFinish.get(item.tenant) ?? 0);
  item.start = start;
  item.finish = start + costOf(item) / (item.weight > 0 ? item.weight : 1);
  c.lastFinish.set(item.tenant, item.finish);
  c.heap.push(item);
  c.count++;
  c.tokens += item.tokens;
  c.waiting.set(item.tenant, (c.waiting.get(item.tenant) ?? 0) + 1);
  q.byDeadline.push(item);
  q.size++;
}

function liveTop(heap: MinHeap<QueueItem>): QueueItem | undefined {
  let top = heap.peek();
  while (top !== undefined && top.removed) {
    heap.pop();
    top = heap.peek();
  }
  return top;
}

/** The item that goes next: the smallest finish tag of the highest non-empty class. */
export function head(q: AdmissionQueue): QueueItem | undefined {
  for (const p of PRIORITY_ORDER) {
    const c = q.classes[p];
    if (c.count === 0) continue;
    const top = liveTop(c.heap);
    if (top) return top;
  }
  return undefined;
}

/** Takes `item` out (served, shed or aborted). Idempotent. */
export function remove(q: AdmissionQueue, item: QueueItem, served = false): void {
  if (item.removed) return;
  item.removed = true;
  const c = q.classes[item.priority];
  c.count--;
  c.tokens -= item.tokens;
  const left = (c.waiting.get(item.tenant) ?? 1) - 1;
  if (left > 0) c.waiting.set(item.tenant, left);
  else c.waiting.delete(item.tenant);
  q.size--;
  if (served && item.start > c.vtime) c.vtime = item.start;
  if (c.count === 0) {
    // Idle class: forget tenants' history so a returning tenant is not penalised (nor favoured).
    for (const f of c.lastFinish.values()) if (f > c.vtime) c.vtime = f;
    c.lastFinish.clear();
  } else {
    // A tenant whose tag fell behind virtual time gains nothing from it: drop it (bounded map).
    const last = c.lastFinish.get(item.tenant);
    if (last !== undefined && last <= c.vtime) c.lastFinish.delete(item.tenant);
  }
}

/** Moves a waiting item to another class (same id, deadline and arrival); returns the new entry. */
export function requeue(q: AdmissionQueue, item: QueueItem, priority: Priority): QueueItem {
  remove(q, item);
  const moved: QueueItem = { ...item, priority, start: 0, finish: 0, removed: false };
  enqueue(q, moved);
  return moved;
}

export function earliestDeadline(q: AdmissionQueue): QueueItem | undefined {
  return liveTop(q.byDeadline);
}

/** Work queued at `priority` or above: what must go before a new item of that priority. */
export function queuedAhead(q: AdmissionQueue, priority: Priority): { count: number; tokens: number } {
  let count = 0;
  let tokens = 0;
  for (const p of PRIORITY_ORDER) {
    count += q.classes[p].count;
    tokens += q.classes[p].tokens;
    if (p === priority) break;
  }
  return { count, tokens };
}

/** Tenants with requests waiting at `priority`. */
export function waitingTenants(q: AdmissionQueue, priority: Priority): IterableIterator<string> {
  return q.classes[priority].waiting.keys();
}

export function queuedCounts(q: AdmissionQueue): Record<Priority, number> {
  return {
    interactive: q.classes.interactive.count,
    default: q.classes.default.count,
    batch: q.classes.batch.count,
  };
}
