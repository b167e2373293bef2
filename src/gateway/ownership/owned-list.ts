/**
 * A list endpoint (GET /v1/files, GET /v1/batches) filtered to the caller's own objects. The
 * upstream pages through every tenant's objects; this walks its pages (as large as it allows,
 * from the client's `after` cursor, other query fields kept) and keeps the caller's, until it
 * has the client's `limit` and knows whether more follow, or the upstream has no more.
 *
 * The cursor stays honest: `last_id` is the last object returned, so `after=last_id` resumes
 * exactly after it. Limitation: at most `maxPages` upstream pages are read per call; when that
 * runs out first the page may be short (even empty) with `has_more: true`, and the SDK's
 * auto-paging stops at an empty page (docs/gateway.md).
 */
import type { GatewayContext } from '../context.js';
import { callUpstream, jsonObjectOf, readAnswer, sendAnswer, type Exchange } from '../routes/exchange.js';
import { pipeUpstream } from '../routes/passthrough.js';
import type { Ownership } from './ownership.js';

export interface ListShape {
  /** The upstream's default and largest `limit`. */
  defaultLimit: number;
  maxLimit: number;
  /** Upstream pages read at most per call. */
  maxPages: number;
}

type Item = Record<string, unknown> & { id: string };

/** Sends the caller's page; `seen` gets the owned items before they go out (e.g. to claim files). */
export async function sendOwnedList(
  ctx: GatewayContext,
  x: Exchange,
  ownership: Ownership,
  shape: ListShape,
  seen: (items: Item[]) => Promise<void> = async () => undefined,
): Promise<number> {
  const url = new URL(x.req.url ?? '/', 'http://gateway.local');
  const limit = limitOf(url.searchParams.get('limit'), shape);
  // A limit the upstream would refuse: let it say so, in its own words.
  if (limit === undefined) return pipeUpstream(ctx, x);
  const tenant = x.principal.tenant;
  const query = new URLSearchParams(url.searchParams);
  query.set('limit', String(shape.maxLimit));
  const data: Item[] = [];
  let hasMore = true;
  let head: Record<string, unknown> | undefined;
  let firstAnswer: Parameters<typeof sendAnswer>[1] | undefined;
  scan: for (let page = 0; page < shape.maxPages; page++) {
    const resp = await callUpstream(ctx, x, { method: 'GET', path: `${url.pathname}?${query}` });
    if (!resp) return 499;
    const body = await readAnswer(resp);
    const obj = resp.statusCode === 200 ? jsonObjectOf(body) : undefined;
    const items = Array.isArray(obj?.['data']) ? (obj['data'] as unknown[]).filter(isItem) : undefined;
    // An upstream error (or an answer that is not a list) goes to the client as it came.
    if (!obj || !items) return sendAnswer(x, resp, body);
    head ??= obj;
    firstAnswer ??= resp;
    const owned = await ownership.ownedAmong(
      tenant,
      items.map((i) => i.id),
    );
    for (const item of items) {
      if (!owned.has(item.id)) continue;
      if (data.length === limit) break scan; // one more exists: has_more stays true
      data.push(item);
    }
    const last = items[items.length - 1];
    if (obj['has_more'] !== true || !last) {
      hasMore = false;
      break;
    }
    query.set('after', last.id);
  }
  await seen(data);
  const out = {
    ...head,
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: hasMore,
  };
  return sendAnswer(x, firstAnswer!, Buffer.from(JSON.stringify(out)));
}

function limitOf(raw: string | null, shape: ListShape): number | undefined {
  if (raw === null) return shape.defaultLimit;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= shape.maxLimit ? n : undefined;
}

function isItem(v: unknown): v is Item {
  return v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string';
}
