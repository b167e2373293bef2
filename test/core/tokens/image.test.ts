import { describe, expect, it } from 'vitest';
import { DEFAULT_VISION_RULE, findModel, type VisionRule } from '../../../src/core/models.js';
import { imageTokens, patchCount, tileCount } from '../../../src/core/tokens/image.js';

const rule = (id: string): VisionRule => findModel(id)?.vision ?? DEFAULT_VISION_RULE;

describe('tile rule (vision guide, "Calculating costs")', () => {
  it("follows the guide's gpt-4o examples", () => {
    // 1024x1024 -> 768x768 -> 4 tiles: 85 + 4 x 170.
    expect(imageTokens(rule('gpt-4o'), 1024, 1024, 'high')).toBe(765);
    // 2048x4096 -> 1024x2048 -> 768x1536 -> 2 x 3 tiles: 85 + 6 x 170.
    expect(imageTokens(rule('gpt-4o'), 2048, 4096, 'high')).toBe(1105);
    // low detail: the base, whatever the size.
    expect(imageTokens(rule('gpt-4o'), 4096, 8192, 'low')).toBe(85);
  });

  it('uses each family its own base and tile', () => {
    expect(imageTokens(rule('gpt-4o-mini'), 1024, 1024, 'high')).toBe(2833 + 4 * 5667);
    expect(imageTokens(rule('gpt-4o-mini'), 1024, 1024, 'low')).toBe(2833);
    expect(imageTokens(rule('gpt-4.1'), 1024, 1024, 'high')).toBe(765);
    expect(imageTokens(rule('o3'), 1024, 1024, 'high')).toBe(75 + 4 * 150);
    expect(imageTokens(rule('o1-pro'), 512, 512, 'high')).toBe(75 + 150);
    expect(imageTokens(rule('gpt-5'), 1024, 1024, 'high')).toBe(70 + 4 * 140);
    expect(imageTokens(rule('gpt-5'), 1024, 1024, 'low')).toBe(70);
    // An unknown model id: the 4o rule.
    expect(imageTokens(rule('some-new-model'), 1024, 1024, 'high')).toBe(765);
  });

  it('reserves auto as high, never scales a small image up, and does not overcount on float edges', () => {
    expect(imageTokens(rule('gpt-4o'), 1024, 1024, 'auto')).toBe(765);
    expect(tileCount(300, 200)).toBe(1);
    expect(tileCount(512, 512)).toBe(1);
    expect(tileCount(513, 512)).toBe(2);
    // 1000x3000 -> 682.67x2048 (the long side lands on 4 x 512 exactly).
    expect(tileCount(1000, 3000)).toBe(2 * 4);
    // The most tiles any size can cost: 768x2048 -> 2 x 4.
    expect(tileCount(768, 2048)).toBe(8);
    expect(tileCount(3000, 8000)).toBe(8);
  });

  it('assumes 2048x2048 when the size is unknown', () => {
    expect(imageTokens(rule('gpt-4o'), undefined, undefined, 'high')).toBe(765);
    expect(imageTokens(rule('gpt-4o-mini'), undefined, undefined, 'auto')).toBe(2833 + 4 * 5667);
    expect(imageTokens(rule('gpt-4o-mini'), undefined, undefined, 'low')).toBe(2833);
  });
});

describe('patch rule (gpt-4.1-mini, gpt-4.1-nano, o4-mini, gpt-5-mini, gpt-5-nano)', () => {
  it("follows the guide's examples", () => {
    // 1024x1024: 32 x 32 = 1024 patches, under the 1536 budget.
    expect(patchCount(1024, 1024)).toBe(1024);
    // 1800x2400: 57 x 75 = 4275 > 1536, shrink by sqrt(1536 x 32² / (1800 x 2400)) = 0.603,
    // then to 33 whole patches wide: 1056x1408 = 33 x 44.
    expect(patchCount(1800, 2400)).toBe(1452);
    expect(patchCount(2400, 1800)).toBe(1452);
  });

  it('multiplies by the model and rounds up', () => {
    expect(imageTokens(rule('gpt-4.1-mini'), 1024, 1024, 'high')).toBe(Math.ceil(1024 * 1.62)); // 1659
    expect(imageTokens(rule('gpt-4.1-nano'), 1800, 2400, 'high')).toBe(Math.ceil(1452 * 2.46)); // 3572
    expect(imageTokens(rule('o4-mini'), 64, 64, 'high')).toBe(Math.ceil(4 * 1.72)); // 7
    expect(imageTokens(rule('gpt-5-mini'), 256, 256, 'high')).toBe(Math.ceil(64 * 1.62)); // 104
    expect(imageTokens(rule('gpt-5-nano'), 32, 32, 'high')).toBe(3); // ceil(2.46)
  });

  it('ignores detail, caps the budget, and handles slivers', () => {
    expect(imageTokens(rule('gpt-4.1-mini'), 1024, 1024, 'low')).toBe(1659);
    // 2048x2048: 64 x 64 = 4096, shrink by sqrt(0.375) -> 39.19 -> 39 x 39.
    expect(patchCount(2048, 2048)).toBe(1521);
    expect(imageTokens(rule('gpt-4.1-mini'), undefined, undefined, 'auto')).toBe(Math.ceil(1521 * 1.62));
    for (const [w, h] of [
      [4000, 3000],
      [10_000, 10],
      [6000, 6000],
    ] as const)
      expect(patchCount(w, h)).toBeLessThanOrEqual(1536);
    expect(patchCount(1, 100_000)).toBe(1536);
  });
});
