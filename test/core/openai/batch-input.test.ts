import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_MODELS, createBatchInputScan } from '../../../src/core/openai/batch-input.js';

describe('batch input summary', () => {
  it('counts lines, invalid lines, distinct models and endpoints', () => {
    const scan = createBatchInputScan();
    const lines = [
      '{"custom_id":"1","url":"/v1/responses","body":{"model":"gpt-4o","max_output_tokens":7}}',
      '   ',
      '{"custom_id":"2","url":"/v1/embeddings","body":{"model":"text-embedding-3-small"}}',
      '{"custom_id":"3","url":"/v1/responses","body":{"input":"no model"}}',
      '[1,2]',
      '{"custom_id":"4","body":"not an object"}',
      '{broken',
    ];
    for (const l of lines) scan.line(l, Buffer.byteLength(l));
    expect(scan.summary()).toEqual({
      models: ['gpt-4o', 'text-embedding-3-small'],
      endpoints: ['/v1/embeddings', '/v1/responses'],
      lines: 6,
      invalidLines: 4,
      estimatedTokens:
        Math.ceil(Buffer.byteLength(lines[0]!) / 4) + 7 + Math.ceil(Buffer.byteLength(lines[2]!) / 4),
      complete: true,
    });
  });

  it('stops listing models past its cap and says the summary is incomplete', () => {
    const scan = createBatchInputScan();
    for (let i = 0; i <= MAX_SUMMARY_MODELS; i++) scan.line(`{"body":{"model":"m${i}"}}`, 20);
    const s = scan.summary();
    expect(s.models).toHaveLength(MAX_SUMMARY_MODELS);
    expect(s.complete).toBe(false);
    expect(s.lines).toBe(MAX_SUMMARY_MODELS + 1);
  });
});
