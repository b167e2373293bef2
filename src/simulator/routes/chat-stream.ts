import type { Rng } from '../../core/clock.js';
import type { Completion } from '../generation.js';
import { obfuscation } from '../text/generator.js';
import type { StreamParts } from '../pipeline.js';

export const FINGERPRINT = 'fp_560af6e559';

export interface ChatStreamInput {
  id: string;
  created: number;
  model: string;
  choices: Completion[];
  /** Present when stream_options.include_usage: usage:null on chunks + a final usage chunk. */
  usage: Record<string, unknown> | undefined;
  obfuscation: Rng | undefined;
  newCallId: () => string;
}

/**
 * chat.completion.chunk frames: role chunk first (with the first token), one chunk per token
 * per choice, a finish chunk per choice, the usage chunk when asked, then `data: [DONE]`.
 */
export function buildChatStream(s: ChatStreamInput): StreamParts {
  const prefix = `data: {"id":"${s.id}","object":"chat.completion.chunk","created":${s.created},"model":${JSON.stringify(s.model)},"service_tier":"default","system_fingerprint":"${FINGERPRINT}","choices":[`;
  const usageNull = s.usage ? ',"usage":null' : '';
  const chunk = (choice: number, delta: string, finish: string | null, deltaLen: number): string => {
    const obf = s.obfuscation ? `,"obfuscation":"${obfuscation(s.obfuscation, deltaLen)}"` : '';
    return `${prefix}{"index":${choice},"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${usageNull}${obf}}\n\n`;
  };

  const perChoice: string[][] = s.choices.map((c, ci) => {
    const out: string[] = [];
    if (c.toolCall) {
      const head = {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            index: 0,
            id: s.newCallId(),
            type: 'function',
            function: { name: c.toolCall.name, arguments: '' },
          },
        ],
        refusal: null,
      };
      out.push(chunk(ci, JSON.stringify(head), null, 0));
      const args = c.toolCall.arguments;
      for (let i = 0; i < args.length; i += 6) {
        const frag = args.slice(i, i + 6);
        out.push(
          chunk(
            ci,
            `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(frag)}}}]}`,
            null,
            frag.length,
          ),
        );
      }
      return out;
    }
    const role = chunk(ci, '{"role":"assistant","content":"","refusal":null}', null, 0);
    if (c.pieces.length === 0) return [role];
    c.pieces.forEach((p, i) => {
      const frame = chunk(ci, `{"content":${JSON.stringify(p)}}`, null, p.length);
      out.push(i === 0 ? role + frame : frame);
    });
    return out;
  });

  const longest = Math.max(...perChoice.map((f) => f.length));
  const frames: string[] = new Array<string>(longest);
  for (let t = 0; t < longest; t++) {
    let f = '';
    for (const list of perChoice) if (t < list.length) f += list[t];
    frames[t] = f;
  }
  let tail = '';
  s.choices.forEach((c, ci) => {
    tail += chunk(ci, '{}', c.finish, 0);
  });
  if (s.usage) {
    tail += `${prefix}],"usage":${JSON.stringify(s.usage)}${s.obfuscation ? `,"obfuscation":"${obfuscation(s.obfuscation, 0)}"` : ''}}\n\n`;
  }
  tail += 'data: [DONE]\n\n';
  return { head: '', frames, tail };
}
