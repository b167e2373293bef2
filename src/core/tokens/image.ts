/**
 * Image input tokens by OpenAI's documented rules (vision guide, "Calculating costs",
 * https://platform.openai.com/docs/guides/images-vision#calculating-costs); the per-model
 * parameters live in the model catalog (core/models.ts `vision`).
 */
import type { VisionRule } from '../models.js';

export type ImageDetail = 'low' | 'high' | 'auto';

/** The tile rule's box, short side and tile edge. */
const FIT = 2048;
const SHORT_SIDE = 768;
const TILE = 512;
/** The patch rule's patch edge and budget. */
const PATCH = 32;
const MAX_PATCHES = 1536;
/**
 * Size assumed when it cannot be read (a remote URL, a file id, an unreadable header): a
 * 2048x2048 image, the largest the tile rule keeps unscaled (4 tiles: 765 on gpt-4o) and well
 * over the patch budget (1521 patches). A tall or wide image can cost up to 8 tiles on the tile
 * rule (1445 on gpt-4o); the real usage settles the difference.
 */
export const UNKNOWN_IMAGE_SIDE = 2048;
/** Float slack so a side that scales to exactly 512k px is not counted one tile over. */
const EPS = 1e-9;

export function imageTokens(
  rule: VisionRule,
  width: number | undefined,
  height: number | undefined,
  detail: ImageDetail = 'auto',
): number {
  const known = width !== undefined && height !== undefined && width > 0 && height > 0;
  const w = known ? width : UNKNOWN_IMAGE_SIDE;
  const h = known ? height : UNKNOWN_IMAGE_SIDE;
  if (rule.kind === 'patches') return Math.ceil(patchCount(w, h) * rule.multiplier - EPS);
  // `auto` lets the model choose; reserve as for `high`, the dearer of the two.
  if (detail === 'low') return rule.base;
  return rule.base + rule.tile * tileCount(w, h);
}

/** Fit into 2048x2048, scale the shortest side down to 768, count 512 px tiles. */
export function tileCount(width: number, height: number): number {
  let w = width;
  let h = height;
  if (w > FIT || h > FIT) {
    const s = FIT / Math.max(w, h);
    w *= s;
    h *= s;
  }
  const shortest = Math.min(w, h);
  if (shortest > SHORT_SIDE) {
    const s = SHORT_SIDE / shortest;
    w *= s;
    h *= s;
  }
  return Math.ceil(w / TILE - EPS) * Math.ceil(h / TILE - EPS);
}

/**
 * 32 px patches covering the image; over 1536, the image is scaled by
 * r = sqrt(32² x 1536 / (w x h)), then further so the tighter side fits a whole number of
 * patches, and the patches of the result are counted (capped at 1536).
 */
export function patchCount(width: number, height: number): number {
  const raw = Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
  if (raw <= MAX_PATCHES) return raw;
  const r = Math.sqrt((PATCH * PATCH * MAX_PATCHES) / (width * height));
  const pw = (width * r) / PATCH;
  const ph = (height * r) / PATCH;
  // A sliver (say 1x100000) would scale to zero patches wide: reserve the whole budget.
  if (pw < 1 || ph < 1) return MAX_PATCHES;
  // After the second scale the tighter side is exactly floor(p) patches and the other side is
  // in proportion; computed from whole numbers, so no float drift adds a row.
  const patches =
    Math.floor(pw) / pw <= Math.floor(ph) / ph
      ? Math.floor(pw) * Math.ceil((height * Math.floor(pw)) / width - EPS)
      : Math.floor(ph) * Math.ceil((width * Math.floor(ph)) / height - EPS);
  return Math.min(patches, MAX_PATCHES);
}
