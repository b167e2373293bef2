import type { Rng } from '../../core/clock.js';
import type { Completion } from '../generation.js';
import type { StreamParts } from '../pipeline.js';
import { obfuscation } from '../text/generator.js';
import {
  functionCallItem,
  messageItem,
  reasoningItem,
  responseObject,
  textPart,
  type ResponseIds,
} from './responses-object.js';
import type { ResponsesRequest } from './responses-request.js';

/**
 * Responses API events with sequence_number from 0 and no [DONE]: created and in_progress at
 * once; then (with the first token) the reasoning item, output_item.added and
 * content_part.added; one output_text.delta per token; then the done events and
 * response.completed (or response.incomplete).
 */
export function buildResponsesStream(
  r: ResponsesRequest,
  c: Completion,
  ids: ResponseIds,
  completedAt: number,
  obf: Rng | undefined,
): StreamParts {
  let seq = 0;
  const ev = (type: string, fields: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
  const inProgress = responseObject(r, ids);
  const head =
    ev('response.created', { response: inProgress }) + ev('response.in_progress', { response: inProgress });

  let lead = '';
  let index = 0;
  if (r.model.kind === 'reasoning') {
    lead += ev('response.output_item.added', { output_index: index, item: { ...reasoningItem(ids) } });
    lead += ev('response.output_item.done', { output_index: index, item: reasoningItem(ids) });
    index++;
  }
  const frames: string[] = [];
  let tail = '';
  if (c.toolCall) {
    lead += ev('response.output_item.added', {
      output_index: index,
      item: functionCallItem(ids, c, 'in_progress'),
    });
    const args = c.toolCall.arguments;
    for (let i = 0; i < args.length; i += 6) {
      const delta = args.slice(i, i + 6);
      const f = obf ? { obfuscation: obfuscation(obf, delta.length) } : {};
      frames.push(
        (frames.length === 0 ? lead : '') +
          ev('response.function_call_arguments.delta', {
            item_id: ids.fcId,
            output_index: index,
            delta,
            ...f,
          }),
      );
    }
    if (frames.length === 0) tail += lead;
    tail += ev('response.function_call_arguments.done', {
      item_id: ids.fcId,
      output_index: index,
      arguments: args,
      name: c.toolCall.name,
    });
    tail += ev('response.output_item.done', {
      output_index: index,
      item: functionCallItem(ids, c, 'completed'),
    });
  } else if (c.pieces.length > 0 || c.finish !== 'length') {
    const itemStatus = c.finish === 'length' ? 'incomplete' : 'completed';
    lead += ev('response.output_item.added', {
      output_index: index,
      item: messageItem(ids, '', 'in_progress'),
    });
    lead += ev('response.content_part.added', {
      item_id: ids.msgId,
      output_index: index,
      content_index: 0,
      part: textPart(''),
    });
    const pre = `{"type":"response.output_text.delta","sequence_number":`;
    const mid = `,"item_id":"${ids.msgId}","output_index":${index},"content_index":0,"delta":`;
    for (const p of c.pieces) {
      const o = obf ? `,"obfuscation":"${obfuscation(obf, p.length)}"` : '';
      const frame = `event: response.output_text.delta\ndata: ${pre}${seq++}${mid}${JSON.stringify(p)},"logprobs":[]${o}}\n\n`;
      frames.push(frames.length === 0 ? lead + frame : frame);
    }
    if (frames.length === 0) tail += lead;
    tail += ev('response.output_text.done', {
      item_id: ids.msgId,
      output_index: index,
      content_index: 0,
      text: c.text,
      logprobs: [],
    });
    tail += ev('response.content_part.done', {
      item_id: ids.msgId,
      output_index: index,
      content_index: 0,
      part: textPart(c.text),
    });
    tail += ev('response.output_item.done', {
      output_index: index,
      item: messageItem(ids, c.text, itemStatus),
    });
  } else {
    tail += lead;
  }
  const final = responseObject(r, ids, { c, completedAt });
  tail += ev(final['status'] === 'incomplete' ? 'response.incomplete' : 'response.completed', {
    response: final,
  });
  return { head, frames, tail };
}
