import type { SimContext } from '../context.js';
import type { Completion } from '../generation.js';
import { responseObject, type Item, type ResponseIds } from './responses-object.js';
import type { ResponsesRequest } from './responses-request.js';

/**
 * Stored responses (store: true, the default), newest 1000 per simulator, for retrieval, delete,
 * cancel and input_items. Each keeps what built it, so a retrieval can show the response as it
 * stands (a background one is in_progress until its generation time has passed) or replay its
 * events.
 */
export interface StoredResponse {
  r: ResponsesRequest;
  c: Completion;
  ids: ResponseIds;
  /** Unix seconds of completion, as the final object shows it. */
  completedAt: number;
  /** Clock ms when generation ends (a background response is in_progress until then). */
  doneAt: number;
  /** Unix seconds of a cancel that came before doneAt, else null. */
  cancelledAt: number | null;
  inputItems: Item[];
}

const MAX_STORED = 1000;
const stores = new WeakMap<SimContext, Map<string, StoredResponse>>();

function storeOf(ctx: SimContext): Map<string, StoredResponse> {
  let s = stores.get(ctx);
  if (!s) {
    s = new Map();
    stores.set(ctx, s);
  }
  return s;
}

export function storeResponse(ctx: SimContext, stored: StoredResponse): void {
  const s = storeOf(ctx);
  if (s.size >= MAX_STORED) {
    const oldest = s.keys().next().value;
    if (oldest !== undefined) s.delete(oldest);
  }
  s.set(stored.ids.id, stored);
}

export function storedResponse(ctx: SimContext, id: string): StoredResponse | undefined {
  return storeOf(ctx).get(id);
}

export function deleteStoredResponse(ctx: SimContext, id: string): boolean {
  return storeOf(ctx).delete(id);
}

/** Whether a background response is still generating at `now` (clock ms). */
export function isRunning(s: StoredResponse, now: number): boolean {
  return s.r.echo.background && s.cancelledAt === null && now < s.doneAt;
}

/** The Response object as it stands at `now`: in_progress, cancelled, or the final one. */
export function currentObject(s: StoredResponse, now: number): Record<string, unknown> {
  if (s.cancelledAt !== null) return { ...responseObject(s.r, s.ids), status: 'cancelled' };
  if (isRunning(s, now)) return responseObject(s.r, s.ids);
  return responseObject(s.r, s.ids, { c: s.c, completedAt: s.completedAt });
}
