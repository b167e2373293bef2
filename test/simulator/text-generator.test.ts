import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/core/tokens/tokenizer.js';
import { generatePieces } from '../../src/simulator/text/generator.js';
import { vocabulary } from '../../src/simulator/text/vocabulary.js';

describe('generatePieces', () => {
  it('has a vocabulary of single-token words', () => {
    expect(vocabulary().lower.length).toBeGreaterThan(100);
    expect(vocabulary().starts.length).toBeGreaterThan(20);
  });

  it('makes texts whose real o200k token count equals the number of pieces', () => {
    for (let seed = 0; seed < 300; seed++) {
      const n = 1 + ((seed * 37) % 400);
      const pieces = generatePieces(seed, n);
      expect(pieces).toHaveLength(n);
      expect(countTokens(pieces.join(''), 'o200k_base')).toBe(n);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generatePieces(7, 50).join('')).toBe(generatePieces(7, 50).join(''));
    expect(generatePieces(7, 50).join('')).not.toBe(generatePieces(8, 50).join(''));
    expect(generatePieces(7, 50).join('').startsWith(' ')).toBe(false);
  });
});
