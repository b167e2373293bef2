import type { Encoding } from '../../core/models.js';
import { countTokens } from '../../core/tokens/tokenizer.js';

/** A small memo for prompt token counts: benchmarks and retries send the same prompts again. */
const MEMO_MAX = 2000;
const memo = new Map<string, number>();

export function countCached(text: string, encoding: Encoding): number {
  if (text.length === 0) return 0;
  if (text.length > 4096) return countTokens(text, encoding);
  const key = encoding === 'o200k_base' ? text : `\u0000${text}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const n = countTokens(text, encoding);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, n);
  return n;
}

/** One message as the chat format counts it: role, optional name, and its text. */
export interface PromptMessage {
  role: string;
  text: string;
  name?: string | undefined;
}

/**
 * Prompt tokens as the chat format counts them: 3 per message + role + content (+1 and the name
 * when set), + 3 priming the reply; plus the tools' JSON when tools are sent.
 */
export function countPromptTokens(
  messages: readonly PromptMessage[],
  encoding: Encoding,
  toolsJson?: string,
): number {
  let n = 3;
  for (const m of messages) {
    n += 3 + countCached(m.role, encoding) + countCached(m.text, encoding);
    if (m.name !== undefined) n += 1 + countCached(m.name, encoding);
  }
  if (toolsJson !== undefined) n += countCached(toolsJson, encoding);
  return n;
}

/** Characters the admission estimate (ceil(chars / 4)) is based on. */
export function promptChars(messages: readonly PromptMessage[], toolsJson?: string): number {
  let c = 0;
  for (const m of messages) c += m.text.length + m.role.length + (m.name?.length ?? 0);
  return c + (toolsJson?.length ?? 0);
}

/** The text of a content field: a string, or the text parts of an array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let s = '';
  for (const part of content) {
    if (part !== null && typeof part === 'object') {
      const t = (part as { text?: unknown }).text;
      if (typeof t === 'string') s += s === '' ? t : `\n${t}`;
    }
  }
  return s;
}
