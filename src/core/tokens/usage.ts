/**
 * Reading the real usage back and settling a reservation against it. Understands chat
 * ({prompt_tokens, completion_tokens}), responses and realtime ({input_tokens, output_tokens})
 * and embeddings ({prompt_tokens, total_tokens}).
 */
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Total tokens of a usage object, or undefined when it is not one. */
export function usageTotal(usage: unknown): number | undefined {
  if (usage === null || typeof usage !== 'object') return undefined;
  const u = usage as Record<string, unknown>;
  const total = num(u['total_tokens']);
  if (total !== undefined) return total;
  const input = num(u['prompt_tokens']) ?? num(u['input_tokens']);
  const output = num(u['completion_tokens']) ?? num(u['output_tokens']);
  if (input === undefined && output === undefined) return undefined;
  return (input ?? 0) + (output ?? 0);
}

/**
 * What to do with a reservation once the usage is known: negative = refund, positive = charge
 * more. Missing usage settles at the reservation (delta 0).
 */
export function reconcile(reservedTokens: number, usage: unknown): number {
  const actual = typeof usage === 'number' ? usage : usageTotal(usage);
  return actual === undefined ? 0 : actual - reservedTokens;
}
