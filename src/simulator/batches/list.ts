/** The real cursor list shape: `{object:"list", data, first_id, last_id, has_more}`. */
export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** Pages items (already in display order) after the `after` cursor. */
export function paginate<T extends { id: string }>(
  items: T[],
  after: string | null,
  limit: number,
): ListPage<T> {
  let start = 0;
  if (after !== null) {
    const i = items.findIndex((x) => x.id === after);
    start = i < 0 ? items.length : i + 1;
  }
  const data = items.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: start + limit < items.length,
  };
}

/** Parses `?limit=` within [1, max]; undefined on garbage so the caller can answer 400. */
export function parseLimit(raw: string | null, fallback: number, max: number): number | undefined {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) return undefined;
  return n;
}
