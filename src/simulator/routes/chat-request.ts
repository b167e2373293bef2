import { findModel, type ModelInfo } from '../../core/models.js';
import { fillArguments, type ToolCallPlan } from '../generation.js';
import { contentText, countPromptTokens, promptChars, type PromptMessage } from '../text/prompt.js';
import { hashText } from '../text/generator.js';
import {
  InvalidRequest,
  modelNotFound,
  optArray,
  optBool,
  optInt,
  optNumber,
  optObject,
  optString,
  rejectUnknown,
  requireModelName,
  type Body,
} from '../validate.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export interface ChatRequest {
  model: ModelInfo;
  /** As the API echoes it: the dated snapshot (or the dated id the caller asked for). */
  modelName: string;
  stream: boolean;
  includeUsage: boolean;
  includeObfuscation: boolean;
  n: number;
  maxOutput: number | undefined;
  promptTokens: number;
  /** ceil(chars / 4) + max output x n: what admission charges. */
  cost: number;
  textSeed: number;
  effort: string | undefined;
  toolCall: ToolCallPlan | undefined;
}

export function parseChatRequest(body: Body, seed: number): ChatRequest {
  rejectUnknown(body, 'chat');
  const name = requireModelName(body, 'legacy');
  const model = findModel(name);
  if (!model || model.kind === 'embedding') throw modelNotFound(name);
  const raw = body['messages'];
  if (raw === undefined || raw === null)
    throw new InvalidRequest(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  if (!Array.isArray(raw))
    throw new InvalidRequest(
      `Invalid type for 'messages': expected an array of objects, but got ${typeof raw === 'string' ? 'a string' : 'an object'} instead.`,
      'messages',
      'invalid_type',
    );
  if (raw.length === 0)
    throw new InvalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  const messages = raw.map(parseMessage);

  const reasoning = model.kind === 'reasoning';
  const maxTokens = optInt(body, 'max_tokens', 1);
  if (maxTokens !== undefined && reasoning) {
    throw new InvalidRequest(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      'max_tokens',
      'unsupported_parameter',
    );
  }
  const maxCompletion = optInt(body, 'max_completion_tokens', 1);
  const maxOutput = maxCompletion ?? maxTokens;
  const capParam = maxCompletion !== undefined ? 'max_completion_tokens' : 'max_tokens';
  if (maxOutput !== undefined && maxOutput > model.maxOutput) {
    throw new InvalidRequest(
      `${capParam} is too large: ${maxOutput}. This model supports at most ${model.maxOutput} completion tokens, whereas you provided ${maxOutput}.`,
      capParam,
      'invalid_value',
    );
  }
  const n = optInt(body, 'n', 1, 128) ?? 1;
  const temperature = optNumber(body, 'temperature', 0, 2);
  if (reasoning && temperature !== undefined && temperature !== 1) {
    throw new InvalidRequest(
      `Unsupported value: 'temperature' does not support ${temperature} with this model. Only the default (1) value is supported.`,
      'temperature',
      'unsupported_value',
    );
  }
  optNumber(body, 'top_p', 0, 1);
  optInt(body, 'seed');
  const stream = optBool(body, 'stream') ?? false;
  const so = optObject(body, 'stream_options');
  if (so && !stream)
    throw new InvalidRequest(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
      'invalid_value',
    );
  const effort = optString(body, 'reasoning_effort');

  const tools = optArray(body, 'tools');
  const toolsJson = tools && tools.length > 0 ? JSON.stringify(tools) : undefined;
  const promptTokens = countPromptTokens(messages, model.encoding, toolsJson);
  if (promptTokens + (maxOutput ?? 0) > model.contextWindow) {
    const msg =
      maxOutput === undefined
        ? `This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`
        : `This model's maximum context length is ${model.contextWindow} tokens. However, you requested ${promptTokens + maxOutput} tokens (${promptTokens} in the messages, ${maxOutput} in the completion). Please reduce the length of the messages or completion.`;
    throw new InvalidRequest(msg, 'messages', 'context_length_exceeded');
  }
  let hashInput = name;
  for (const m of messages) hashInput += `\u0001${m.role}\u0002${m.text}`;
  const textSeed = hashText(seed, hashInput);
  return {
    model,
    modelName: name === model.id ? model.snapshot : name,
    stream,
    includeUsage: so?.['include_usage'] === true,
    includeObfuscation: so?.['include_obfuscation'] !== false,
    n,
    maxOutput,
    promptTokens,
    cost: Math.ceil(promptChars(messages, toolsJson) / 4) + (maxOutput ?? 0) * n,
    textSeed,
    effort,
    toolCall: pickToolCall(tools, body['tool_choice'], textSeed),
  };
}

function parseMessage(m: unknown, i: number): PromptMessage {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    throw new InvalidRequest(
      `Invalid type for 'messages[${i}]': expected an object, but got ${m === null ? 'null' : typeof m === 'string' ? 'a string' : 'an array'} instead.`,
      `messages[${i}]`,
      'invalid_type',
    );
  }
  const o = m as Body;
  const role = o['role'];
  if (role === undefined)
    throw new InvalidRequest(
      `Missing required parameter: 'messages[${i}].role'.`,
      `messages[${i}].role`,
      'missing_required_parameter',
    );
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw new InvalidRequest(
      `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `messages[${i}].role`,
      'invalid_value',
    );
  }
  const content = o['content'];
  if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
    throw new InvalidRequest(
      `Invalid type for 'messages[${i}].content': expected one of a string or array of objects, but got an object instead.`,
      `messages[${i}].content`,
      'invalid_type',
    );
  }
  let text = contentText(content);
  if (Array.isArray(o['tool_calls'])) text += JSON.stringify(o['tool_calls']);
  const name = typeof o['name'] === 'string' ? o['name'] : undefined;
  return { role, text, name };
}

/** A function call when tool_choice is "required" or names a function (and tools exist). */
function pickToolCall(tools: unknown[] | undefined, choice: unknown, seed: number): ToolCallPlan | undefined {
  if (!tools || tools.length === 0) return undefined;
  const fns = tools
    .map((t) => (t as { function?: { name?: unknown; parameters?: unknown } }).function)
    .filter((f): f is { name: string; parameters?: unknown } => typeof f?.name === 'string');
  if (fns.length === 0) return undefined;
  let fn: { name: string; parameters?: unknown } | undefined;
  if (choice === 'required') fn = fns[seed % fns.length];
  else if (choice !== null && typeof choice === 'object') {
    const wanted = (choice as { function?: { name?: unknown } }).function?.name;
    fn = fns.find((f) => f.name === wanted);
    if (!fn)
      throw new InvalidRequest(
        `Invalid value for 'tool_choice': no function named '${String(wanted)}' was specified in the 'tools' parameter.`,
        'tool_choice',
        'invalid_value',
      );
  }
  return fn ? { name: fn.name, arguments: fillArguments(fn.parameters, 'sample') } : undefined;
}
