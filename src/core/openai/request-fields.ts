/**
 * The top-level request fields the real API accepts per endpoint (openai-api.md §3.1, §4, §5.1,
 * plus every field the installed `openai` SDK declares on its create params, deprecated ones
 * included: the SDK still sends them). The gateway refuses anything else before queueing; the
 * simulator refuses it as the API does. One list and one wording, so the two never disagree.
 * test/core/openai/request-fields.test.ts reads the SDK's type declarations and fails, naming
 * the field, when an SDK upgrade adds one this list does not have.
 */
export type RequestEndpoint = 'chat' | 'responses' | 'embeddings';

/** Chat and Responses alike. */
const COMMON = [
  'model',
  'user', // deprecated for safety_identifier and prompt_cache_key, still sent
  'metadata',
  'store',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_options',
  'prompt_cache_retention', // deprecated for prompt_cache_options.ttl, still sent
  'safety_identifier',
  'moderation',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'top_logprobs',
];

export const REQUEST_FIELDS: Record<RequestEndpoint, ReadonlySet<string>> = {
  chat: new Set([
    ...COMMON,
    'messages',
    'max_completion_tokens',
    'max_tokens', // deprecated for max_completion_tokens, still sent
    'n',
    'stop',
    'seed', // deprecated (Beta), still sent
    'response_format',
    'reasoning_effort',
    'verbosity',
    'logprobs',
    'frequency_penalty',
    'presence_penalty',
    'logit_bias',
    'modalities',
    'audio',
    'prediction',
    'web_search_options',
    'functions', // deprecated for tools, still sent
    'function_call', // deprecated for tool_choice, still sent
  ]),
  responses: new Set([
    ...COMMON,
    'input',
    'instructions',
    'max_output_tokens',
    'max_tool_calls',
    'previous_response_id',
    'conversation',
    'background',
    'reasoning',
    'text',
    'truncation',
    'include',
    'prompt',
    'context_management',
  ]),
  embeddings: new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']),
};

/** The first top-level field of `body` the endpoint does not accept, if any. */
export function unknownField(endpoint: RequestEndpoint, body: Record<string, unknown>): string | undefined {
  const known = REQUEST_FIELDS[endpoint];
  for (const key in body) if (!known.has(key)) return key;
  return undefined;
}

/**
 * How the API words the refusal: Chat Completions and Embeddings the legacy way, the Responses
 * API naming the parameter (as the simulator has always answered).
 */
export function unknownFieldMessage(endpoint: RequestEndpoint, key: string): string {
  return endpoint === 'responses'
    ? `Unknown parameter: '${key}'.`
    : `Unrecognized request argument supplied: ${key}`;
}
