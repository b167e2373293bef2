import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { bearerKey, maskKey } from './http.js';

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

/**
 * Any non-empty bearer key passes unless the simulator was given one (`apiKey`); then only that
 * key does. Answers the real 401 and returns false otherwise. `extraKeys` lets a route accept
 * e.g. its own ephemeral keys.
 */
export function authorize(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  extraKeys?: (key: string) => boolean,
): boolean {
  const key = bearerKey(req);
  if (
    key !== undefined &&
    (ctx.options.apiKey === undefined || key === ctx.options.apiKey || extraKeys?.(key) === true)
  )
    return true;
  const message =
    key === undefined
      ? NO_KEY
      : `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  ctx.sendError(res, 401, message, { code: 'invalid_api_key' });
  return false;
}
