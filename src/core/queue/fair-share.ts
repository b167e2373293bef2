/**
 * Who is over their weighted share of a pool, from recent use. Each tenant's dispatched tokens
 * decay with a half-life; a tenant whose share of the (decayed) total is above its weight's share
 * of the active tenants' weights is "over share". Over-share tenants are held out of the reserve
 * the same way batch traffic is, so a tenant sending ten times its share cannot keep the bucket
 * empty for everyone else, yet still gets whatever nobody else uses (the reserve is a level kept
 * in the bucket, not capacity thrown away).
 *
 * One shared decay clock: every usage figure is stored as of `at`, so the total decays with the
 * same factor as each tenant's and need not be summed on every question.
 */
export interface ShareTracker {
  tenants: Map<string, { usage: number; weight: number }>;
  total: number;
  weights: number;
  /** Clock ms the stored figures are valid at. */
  at: number;
  records: number;
}

export interface ShareKnobs {
  halfLifeMs: number;
  /** Tolerance over the fair share before a tenant counts as over it (0.25 = 25 % more). */
  slack: number;
}

/** Below this fraction of the total a tenant is forgotten (bounded memory, idle tenants leave). */
const FORGET = 0.001;
const PRUNE_EVERY = 256;

export function createShareTracker(now = 0): ShareTracker {
  return { tenants: new Map(), total: 0, weights: 0, at: now, records: 0 };
}

function decayTo(s: ShareTracker, now: number, knobs: ShareKnobs): void {
  if (now <= s.at) return;
  const f = Math.pow(2, -(now - s.at) / knobs.halfLifeMs);
  if (f === 1) return;
  for (const t of s.tenants.values()) t.usage *= f;
  s.total *= f;
  s.at = now;
}

/** Adds `tokens` (at least 1: request-only traffic still counts) dispatched for `tenant`. */
export function recordUse(
  s: ShareTracker,
  tenant: string,
  weight: number,
  tokens: number,
  now: number,
  knobs: ShareKnobs,
): void {
  decayTo(s, now, knobs);
  const units = Math.max(1, tokens);
  const t = s.tenants.get(tenant);
  if (t) {
    t.usage += units;
    if (t.weight !== weight) {
      s.weights += weight - t.weight;
      t.weight = weight;
    }
  } else {
    s.tenants.set(tenant, { usage: units, weight });
    s.weights += weight;
  }
  s.total += units;
  if (++s.records % PRUNE_EVERY === 0) prune(s);
}

function prune(s: ShareTracker): void {
  for (const [name, t] of s.tenants) {
    if (t.usage < s.total * FORGET) {
      s.tenants.delete(name);
      s.weights -= t.weight;
      s.total -= t.usage;
    }
  }
}

/**
 * True when `tenant` used more than its fair share lately. A lone tenant never is (its share is
 * everything), nor is one the tracker has not seen.
 */
export function isOverShare(s: ShareTracker, tenant: string, knobs: ShareKnobs): boolean {
  const t = s.tenants.get(tenant);
  if (!t || s.tenants.size < 2 || s.total <= 0 || s.weights <= 0) return false;
  // Ratios are the same at any time (one decay factor for all), so no need to decay first.
  return t.usage / s.total > (t.weight / s.weights) * (1 + knobs.slack);
}
