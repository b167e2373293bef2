/**
 * Tokens of a message's content (chat `content`, Responses `content` and tool `output`): text
 * by BPE, images by the model's vision rule (size read from a data URL's header), audio by its
 * duration, files as one image-sized attachment. Media bytes are never counted as text.
 */
import { audioTokens } from './audio.js';
import { count, isObj, str, type Ctx, type Json } from './count-context.js';
import { imageSizeOfDataUrl } from './image-size.js';
import { imageTokens, type ImageDetail } from './image.js';
import { jsonText } from './json-text.js';

/** `param` / `index`: the field, for a 400 (see jsonText). */
export function contentTokens(content: unknown, ctx: Ctx, param: string, index: number): number {
  if (typeof content === 'string') return count(ctx, content);
  if (content === null || content === undefined) return 0;
  if (!Array.isArray(content)) return count(ctx, jsonText(content, param, index));
  let n = 0;
  for (const part of content) {
    if (typeof part === 'string') n += count(ctx, part);
    else if (isObj(part)) n += partTokens(part, ctx, param, index);
  }
  return n;
}

function partTokens(part: Json, ctx: Ctx, param: string, index: number): number {
  const text = str(part['text']) ?? str(part['refusal']);
  if (text !== undefined) return count(ctx, text);
  const type = part['type'];
  if (type === 'image_url' || type === 'input_image') return imagePartTokens(part, ctx);
  if (type === 'input_audio') {
    // Chat: {input_audio: {data, format}}; the same object sits flat on some Responses items.
    const audio = isObj(part['input_audio']) ? part['input_audio'] : part;
    const data = str(audio['data']);
    return data === undefined ? 0 : audioTokens(data, str(audio['format']));
  }
  // File contents (a PDF's pages) are resolved upstream: reserve one image of unknown size.
  if (type === 'input_file' || type === 'file') return imageTokens(ctx.vision, undefined, undefined, 'high');
  return count(ctx, jsonText(part, param, index));
}

/** Chat: {image_url: {url, detail}}; Responses: {image_url: "...", detail} or {file_id, detail}. */
function imagePartTokens(part: Json, ctx: Ctx): number {
  const img = isObj(part['image_url']) ? part['image_url'] : part;
  const url = str(img['url']) ?? str(img['image_url']);
  const size = url === undefined ? undefined : imageSizeOfDataUrl(url);
  return imageTokens(ctx.vision, size?.width, size?.height, detailOf(img['detail']));
}

function detailOf(v: unknown): ImageDetail {
  return v === 'low' || v === 'high' ? v : 'auto';
}
