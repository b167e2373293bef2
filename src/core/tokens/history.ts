/**
 * What a stored response's history costs, for the follow-up that points at it. A Responses
 * request with `previous_response_id` (or `conversation`) is billed for the whole earlier
 * exchange as input, but that history is not in its body: remember, per response id (and
 * conversation id), the tokens of that response's input plus output, which is the history the
 * next turn brings along (an upper bound: reasoning from earlier turns may be dropped, and
 * earlier `instructions` are not carried over).
 *
 * Bounded: at most `maxEntries` ids, least recently used evicted first (a Map keeps insertion
 * order; a hit is moved to the end). Pure: no clock, entries live until evicted.
 */
export interface ResponseHistory {
  /** Records the tokens of the response (or the conversation after it). */
  remember(id: string, tokens: number): void;
  /** Tokens recorded for the id, undefined when unknown (never seen, or evicted). */
  lookup(id: string): number | undefined;
  readonly size: number;
  clear(): void;
}

export const DEFAULT_HISTORY_ENTRIES = 10_000;
/** Real ids are ~50 characters; a longer "id" is not one and is not worth memory. */
const MAX_ID_CHARS = 128;

export function createResponseHistory(maxEntries = DEFAULT_HISTORY_ENTRIES): ResponseHistory {
  const cap = Math.max(1, Math.floor(maxEntries));
  const entries = new Map<string, number>();
  return {
    remember(id, tokens) {
      if (id === '' || id.length > MAX_ID_CHARS || !Number.isFinite(tokens) || tokens < 0) return;
      entries.delete(id);
      entries.set(id, Math.ceil(tokens));
      if (entries.size > cap) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    lookup(id) {
      const tokens = entries.get(id);
      if (tokens !== undefined) {
        entries.delete(id);
        entries.set(id, tokens);
      }
      return tokens;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
