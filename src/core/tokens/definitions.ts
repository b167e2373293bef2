/**
 * Tokens of what the request defines rather than says: tool definitions and structured-output
 * schemas. Both are rendered into the prompt from JSON Schema; both are counted the same way,
 * as the BPE of their JSON (longer than the rendered form, so never short) plus a fixed frame.
 */
import { count, isObj, type Ctx, type Json } from './count-context.js';
import { jsonText } from './json-text.js';

/** Function-definition overheads (cookbook, 4o family): per function and once for the tool block. */
export const TOKENS_PER_FUNCTION = 7;
export const TOOLS_BLOCK = 12;
/**
 * The frame a response format is rendered in, "# Response Formats\n\n## {name}\n\n// {description}\n"
 * before the schema (openai/openai-cookbook articles/openai-harmony.md, "Structured output"):
 * 8 o200k tokens without the name and description, which the JSON counted already holds.
 */
export const RESPONSE_FORMAT_FRAME = 8;

export function toolsTokens(tools: unknown, ctx: Ctx): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  let n = TOOLS_BLOCK;
  for (let i = 0; i < tools.length; i++)
    n += TOKENS_PER_FUNCTION + count(ctx, jsonText(tools[i], 'tools[#]', i));
  return n;
}

/** Chat `response_format: {type: "json_schema", json_schema: {name, schema, strict?, description?}}`. */
export function responseFormatTokens(body: Json, ctx: Ctx): number {
  const rf = body['response_format'];
  if (!isObj(rf) || rf['type'] !== 'json_schema' || !isObj(rf['json_schema'])) return 0;
  return RESPONSE_FORMAT_FRAME + count(ctx, jsonText(rf['json_schema'], 'response_format.json_schema'));
}

/** Responses `text.format: {type: "json_schema", name, schema, strict?, description?}`. */
export function textFormatTokens(body: Json, ctx: Ctx): number {
  const text = body['text'];
  const format = isObj(text) ? text['format'] : undefined;
  if (!isObj(format) || format['type'] !== 'json_schema') return 0;
  return RESPONSE_FORMAT_FRAME + count(ctx, jsonText(format, 'text.format'));
}
