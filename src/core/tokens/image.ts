/**
 * Image input tokens by OpenAI's documented rule for the 4o family: `low` detail costs 85;
 * `high`/`auto` scale the image to fit 2048x2048, then its shortest side to 768, and cost
 * 85 + 170 per 512 px tile.
 */
export type ImageDetail = 'low' | 'high' | 'auto';

export const IMAGE_BASE_TOKENS = 85;
export const IMAGE_TILE_TOKENS = 170;
/** A 1024x1024 image at high detail: used when the size is not known. */
export const DEFAULT_IMAGE_TOKENS = 765;

export function imageTokens(
  width: number | undefined,
  height: number | undefined,
  detail: ImageDetail = 'auto',
): number {
  if (detail === 'low') return IMAGE_BASE_TOKENS;
  if (!width || !height || width <= 0 || height <= 0) return DEFAULT_IMAGE_TOKENS;
  let w = width;
  let h = height;
  if (w > 2048 || h > 2048) {
    const s = 2048 / Math.max(w, h);
    w *= s;
    h *= s;
  }
  const shortest = Math.min(w, h);
  if (shortest > 768) {
    const s = 768 / shortest;
    w *= s;
    h *= s;
  }
  const tiles = Math.ceil(w / 512) * Math.ceil(h / 512);
  return IMAGE_BASE_TOKENS + IMAGE_TILE_TOKENS * tiles;
}
