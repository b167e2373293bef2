import { describe, expect, it } from 'vitest';
import { findModel } from '../../../src/core/models.js';
import { estimate } from '../../../src/core/tokens/estimate.js';
import { createResponseHistory } from '../../../src/core/tokens/history.js';
import { countTokens } from '../../../src/core/tokens/tokenizer.js';

describe('response history (bounded, least recently used evicted)', () => {
  it('remembers and forgets the least recently used past the cap', () => {
    const h = createResponseHistory(3);
    h.remember('resp_a', 100);
    h.remember('resp_b', 200);
    h.remember('resp_c', 300);
    expect(h.lookup('resp_a')).toBe(100); // a is now the most recent
    h.remember('resp_d', 400); // evicts b, the least recently used
    expect(h.size).toBe(3);
    expect(h.lookup('resp_b')).toBeUndefined();
    expect([h.lookup('resp_a'), h.lookup('resp_c'), h.lookup('resp_d')]).toEqual([100, 300, 400]);
    h.remember('resp_c', 350); // an update refreshes too
    h.remember('resp_e', 1);
    expect(h.lookup('resp_a')).toBeUndefined();
    expect(h.lookup('resp_c')).toBe(350);
  });

  it('stays within its cap under many ids and ignores what is not an id or a count', () => {
    const h = createResponseHistory(100);
    for (let i = 0; i < 10_000; i++) h.remember(`resp_${i}`, i);
    expect(h.size).toBe(100);
    expect(h.lookup('resp_9999')).toBe(9999);
    expect(h.lookup('resp_9899')).toBeUndefined();
    h.remember('', 5);
    h.remember('x'.repeat(500), 5);
    h.remember('resp_nan', Number.NaN);
    h.remember('resp_neg', -1);
    expect(h.lookup('resp_nan')).toBeUndefined();
    expect(h.lookup('resp_neg')).toBeUndefined();
    expect(h.size).toBe(100);
    h.clear();
    expect(h.size).toBe(0);
  });
});

describe('estimate() with history', () => {
  const mini = findModel('gpt-4o-mini')!;
  const X = { charFloor: false };
  const own = 3 + 3 + 1 + countTokens('and then?');

  it('reserves the remembered history of previous_response_id and of a conversation', () => {
    const h = createResponseHistory();
    h.remember('resp_1', 5000);
    h.remember('conv_1', 7000);
    const history = (id: string): number | undefined => h.lookup(id);
    const prev = estimate(
      'responses',
      { input: 'and then?', previous_response_id: 'resp_1', max_output_tokens: 10 },
      mini,
      {
        ...X,
        history,
      },
    );
    // The history is reserved but is not this body's input (the context check reads `input`).
    expect(prev).toEqual({
      input: own,
      reservedInput: own + 5000,
      history: 5000,
      output: 10,
      total: own + 5010,
    });
    const conv = estimate('responses', { input: 'and then?', conversation: { id: 'conv_1' } }, mini, {
      ...X,
      history,
    });
    expect(conv.history).toBe(7000);
    expect(
      estimate('responses', { input: 'and then?', conversation: 'conv_1' }, mini, { ...X, history }).history,
    ).toBe(7000);
  });

  it('reserves unknownHistoryTokens (default 0) for an id it does not know', () => {
    const body = { input: 'and then?', previous_response_id: 'resp_elsewhere', max_output_tokens: 10 };
    expect(estimate('responses', body, mini, { ...X, history: () => undefined }).history).toBe(0);
    expect(estimate('responses', body, mini, X).history).toBe(0);
    expect(estimate('responses', body, mini, { ...X, unknownHistoryTokens: 2000 }).reservedInput).toBe(
      own + 2000,
    );
    // Chat has no stored history.
    expect(
      estimate('chat', { messages: [], previous_response_id: 'resp_1' }, mini, { history: () => 9 }).history,
    ).toBe(0);
  });
});
