import type { Item } from './responses-object.js';

/** Item id prefixes by input item type (openai-api.md §0). */
const PREFIX: Record<string, string> = {
  message: 'msg_',
  function_call: 'fc_',
  function_call_output: 'fco_',
  reasoning: 'rs_',
};

/**
 * The input items of a request as GET /v1/responses/{id}/input_items lists them, oldest first:
 * a string becomes one user message; messages get an id, a status and content parts
 * (`input_text`, or `output_text` for the assistant); other items keep their fields and get an id.
 */
export function inputItemsOf(input: unknown, newId: (prefix: string) => string): Item[] {
  if (typeof input === 'string') return [message('user', input, newId('msg_'))];
  if (!Array.isArray(input)) return [];
  return input.flatMap((raw): Item[] => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
    const item = raw as Item;
    const id = typeof item['id'] === 'string' ? item['id'] : undefined;
    if (typeof item['role'] === 'string') {
      const role = item['role'];
      const content = item['content'];
      if (typeof content === 'string') return [message(role, content, id ?? newId('msg_'))];
      return [
        { id: id ?? newId('msg_'), type: 'message', status: 'completed', role, content: content ?? [] },
      ];
    }
    const type = typeof item['type'] === 'string' ? item['type'] : 'message';
    return [{ ...item, id: id ?? newId(PREFIX[type] ?? 'item_') }];
  });
}

function message(role: string, text: string, id: string): Item {
  const part =
    role === 'assistant' ? { type: 'output_text', text, annotations: [] } : { type: 'input_text', text };
  return { id, type: 'message', status: 'completed', role, content: [part] };
}
