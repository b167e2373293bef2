import { findModel, type ModelInfo } from '../../core/models.js';
import { fillArguments, type ToolCallPlan } from '../generation.js';
import { hashText } from '../text/generator.js';
import { contentText, countPromptTokens, promptChars, type PromptMessage } from '../text/prompt.js';
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

export interface ResponsesRequest {
  model: ModelInfo;
  modelName: string;
  stream: boolean;
  includeObfuscation: boolean;
  maxOutput: number | undefined;
  promptTokens: number;
  cost: number;
  textSeed: number;
  effort: string | undefined;
  toolCall: ToolCallPlan | undefined;
  /** The request's `input` as sent (a string or items), for GET /v1/responses/{id}/input_items. */
  input: unknown;
  /** Echoed fields of the Response object. */
  echo: {
    instructions: string | null;
    tools: unknown[];
    tool_choice: unknown;
    temperature: number;
    top_p: number;
    store: boolean;
    background: boolean;
    parallel_tool_calls: boolean;
    previous_response_id: string | null;
    metadata: Record<string, unknown>;
    text: unknown;
    truncation: string;
    user: string | null;
  };
}

export function parseResponsesRequest(body: Body, seed: number): ResponsesRequest {
  rejectUnknown(body, 'responses');
  const name = requireModelName(body, 'responses');
  const model = findModel(name);
  if (!model || model.kind === 'embedding') throw modelNotFound(name);
  const instructions = optString(body, 'instructions');
  const messages = parseInput(body['input']);
  if (instructions !== undefined && instructions !== '')
    messages.unshift({ role: 'system', text: instructions });
  if (messages.length === 0)
    throw new InvalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');

  const maxOutput = optInt(body, 'max_output_tokens', 16);
  if (maxOutput !== undefined && maxOutput > model.maxOutput) {
    throw new InvalidRequest(
      `Invalid 'max_output_tokens': integer above maximum value. Expected a value <= ${model.maxOutput}, but got ${maxOutput} instead.`,
      'max_output_tokens',
      'integer_above_max_value',
    );
  }
  const temperature = optNumber(body, 'temperature', 0, 2) ?? 1;
  const topP = optNumber(body, 'top_p', 0, 1) ?? 1;
  const stream = optBool(body, 'stream') ?? false;
  const so = optObject(body, 'stream_options');
  if (so && !stream)
    throw new InvalidRequest(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
      'invalid_value',
    );
  const reasoning = optObject(body, 'reasoning');
  const effort = typeof reasoning?.['effort'] === 'string' ? reasoning['effort'] : undefined;
  if (effort !== undefined && model.kind !== 'reasoning') {
    throw new InvalidRequest(
      "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
      'reasoning.effort',
      'unsupported_parameter',
    );
  }
  const tools = optArray(body, 'tools') ?? [];
  const toolsJson = tools.length > 0 ? JSON.stringify(tools) : undefined;
  const promptTokens = countPromptTokens(messages, model.encoding, toolsJson);
  if (promptTokens > model.contextWindow) {
    throw new InvalidRequest(
      'Your input exceeds the context window of this model. Please adjust your input and try again.',
      'input',
      'context_length_exceeded',
    );
  }
  let hashInput = name;
  for (const m of messages) hashInput += `\u0001${m.role}\u0002${m.text}`;
  const textSeed = hashText(seed, hashInput);
  const toolChoice = body['tool_choice'] ?? 'auto';
  return {
    model,
    modelName: name === model.id ? model.snapshot : name,
    stream,
    includeObfuscation: so?.['include_obfuscation'] !== false,
    maxOutput,
    promptTokens,
    cost: Math.ceil(promptChars(messages, toolsJson) / 4) + (maxOutput ?? 0),
    textSeed,
    effort,
    toolCall: pickToolCall(tools, toolChoice, textSeed),
    input: body['input'],
    echo: {
      instructions: instructions ?? null,
      tools,
      tool_choice: toolChoice,
      temperature,
      top_p: topP,
      store: optBool(body, 'store') ?? true,
      background: optBool(body, 'background') ?? false,
      parallel_tool_calls: optBool(body, 'parallel_tool_calls') ?? true,
      previous_response_id: optString(body, 'previous_response_id') ?? null,
      metadata: optObject(body, 'metadata') ?? {},
      text: optObject(body, 'text') ?? { format: { type: 'text' }, verbosity: 'medium' },
      truncation: optString(body, 'truncation') ?? 'disabled',
      user: optString(body, 'user') ?? null,
    },
  };
}

/** `input` is a string or a list of items (messages, function calls and their outputs, ...). */
function parseInput(input: unknown): PromptMessage[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ role: 'user', text: input }];
  if (!Array.isArray(input))
    throw new InvalidRequest(
      "Invalid type for 'input': expected one of a string or array of input items, but got an object instead.",
      'input',
      'invalid_type',
    );
  return input.map((item, i): PromptMessage => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new InvalidRequest(
        `Invalid type for 'input[${i}]': expected an input item, but got ${item === null ? 'null' : typeof item === 'string' ? 'a string' : 'an array'} instead.`,
        `input[${i}]`,
        'invalid_type',
      );
    }
    const o = item as Body;
    if (typeof o['role'] === 'string') return { role: o['role'], text: contentText(o['content']) };
    if (o['type'] === 'function_call_output')
      return {
        role: 'tool',
        text: typeof o['output'] === 'string' ? o['output'] : JSON.stringify(o['output'] ?? ''),
      };
    if (o['type'] === 'function_call')
      return { role: 'assistant', text: `${String(o['name'] ?? '')}${String(o['arguments'] ?? '')}` };
    return { role: 'user', text: '' };
  });
}

function pickToolCall(tools: unknown[], choice: unknown, seed: number): ToolCallPlan | undefined {
  const fns = tools.filter(
    (t): t is { name: string; parameters?: unknown } =>
      (t as { type?: unknown }).type === 'function' && typeof (t as { name?: unknown }).name === 'string',
  );
  if (fns.length === 0) return undefined;
  let fn: { name: string; parameters?: unknown } | undefined;
  if (choice === 'required') fn = fns[seed % fns.length];
  else if (
    choice !== null &&
    typeof choice === 'object' &&
    (choice as { type?: unknown }).type === 'function'
  ) {
    const wanted = (choice as { name?: unknown }).name;
    fn = fns.find((f) => f.name === wanted);
    if (!fn)
      throw new InvalidRequest(
        `Tool choice '${String(wanted)}' not found in 'tools' parameter.`,
        'tool_choice',
        'invalid_value',
      );
  }
  return fn ? { name: fn.name, arguments: fillArguments(fn.parameters, 'sample') } : undefined;
}
