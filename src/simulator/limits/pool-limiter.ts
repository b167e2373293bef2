import { formatDuration } from '../../core/openai/duration.js';
import { createBucket, refill, remaining, resetMs, waitFor, type Bucket } from './bucket.js';

export interface PoolLimits {
  rpm: number;
  tpm: number;
  rpd?: number | undefined;
  tpd?: number | undefined;
}

export type Admission =
  { ok: true } | { ok: false; type: 'requests' | 'tokens'; retryAfterMs: number; message: string };

const MINUTE = 60_000;
const DAY = 86_400_000;
const RATE_LIMIT_DOCS = 'Visit https://platform.openai.com/account/rate-limits to learn more.';

/**
 * One rate-limit pool as the real service enforces it: RPM/TPM (and RPD/TPD) continuous
 * buckets, plus sub-minute enforcement of requests: the minute is cut into 60 slices and each
 * slice admits at most ceil(rpm/60) requests, so a burst that fits the minute still fails.
 * Tokens are charged at admission (input estimate + requested output); the minute bucket holds
 * the full limit, so one request up to the whole TPM passes when the pool is idle.
 */
export class PoolLimiter {
  readonly rpm: Bucket;
  readonly tpm: Bucket;
  readonly rpd: Bucket | undefined;
  readonly tpd: Bucket | undefined;
  private readonly sliceMs: number;
  private readonly sliceCap: number;
  private slice = -1;
  private sliceCount = 0;

  constructor(
    readonly model: string,
    limits: PoolLimits,
    timeScale: number,
    now: number,
  ) {
    const minute = MINUTE / timeScale;
    const day = DAY / timeScale;
    this.rpm = createBucket(limits.rpm, minute, now);
    this.tpm = createBucket(limits.tpm, minute, now);
    this.rpd = limits.rpd === undefined ? undefined : createBucket(limits.rpd, day, now);
    this.tpd = limits.tpd === undefined ? undefined : createBucket(limits.tpd, day, now);
    this.sliceMs = minute / 60;
    this.sliceCap = Math.max(1, Math.ceil(limits.rpm / 60));
  }

  /** Admits one request costing `cost` tokens, or says which limit refused it and for how long. */
  admit(cost: number, now: number, org: string): Admission {
    this.refillAll(now);
    if (cost > this.tpm.limit) {
      this.spendRejected();
      return this.tooLarge(cost, org);
    }
    const denial = this.check(cost, now, org);
    if (denial) {
      this.spendRejected();
      return denial;
    }
    this.rpm.level -= 1;
    this.tpm.level -= cost;
    if (this.rpd) this.rpd.level -= 1;
    if (this.tpd) this.tpd.level -= cost;
    this.sliceCount++;
    return { ok: true };
  }

  /** Settlement: give back (or take) the difference between what was charged and what was used. */
  settle(delta: number, now: number): void {
    this.refillAll(now);
    this.tpm.level = Math.min(this.tpm.limit, this.tpm.level + delta);
    if (this.tpd) this.tpd.level = Math.min(this.tpd.limit, this.tpd.level + delta);
  }

  /** The six x-ratelimit-* headers, reset in Go durations of wall-clock time. */
  headers(now: number): Record<string, string> {
    this.refillAll(now);
    return {
      'x-ratelimit-limit-requests': String(this.rpm.limit),
      'x-ratelimit-limit-tokens': String(this.tpm.limit),
      'x-ratelimit-remaining-requests': String(remaining(this.rpm)),
      'x-ratelimit-remaining-tokens': String(remaining(this.tpm)),
      'x-ratelimit-reset-requests': formatDuration(resetMs(this.rpm)),
      'x-ratelimit-reset-tokens': formatDuration(resetMs(this.tpm)),
    };
  }

  private check(cost: number, now: number, org: string): Admission | undefined {
    if (this.rpm.level < 1)
      return this.deny('requests', 'requests per min (RPM)', this.rpm, 1, waitFor(this.rpm, 1), org);
    const slice = Math.floor(now / this.sliceMs);
    if (slice !== this.slice) {
      this.slice = slice;
      this.sliceCount = 0;
    }
    if (this.sliceCount >= this.sliceCap) {
      return this.deny(
        'requests',
        'requests per min (RPM)',
        this.rpm,
        1,
        (slice + 1) * this.sliceMs - now,
        org,
      );
    }
    if (this.rpd && this.rpd.level < 1)
      return this.deny('requests', 'requests per day (RPD)', this.rpd, 1, waitFor(this.rpd, 1), org);
    if (this.tpm.level < cost)
      return this.deny('tokens', 'tokens per min (TPM)', this.tpm, cost, waitFor(this.tpm, cost), org);
    if (this.tpd && this.tpd.level < cost) {
      if (cost > this.tpd.limit)
        return this.deny('tokens', 'tokens per day (TPD)', this.tpd, cost, this.tpd.windowMs, org);
      return this.deny('tokens', 'tokens per day (TPD)', this.tpd, cost, waitFor(this.tpd, cost), org);
    }
    return undefined;
  }

  private deny(
    type: 'requests' | 'tokens',
    what: string,
    b: Bucket,
    requested: number,
    waitMs: number,
    org: string,
  ): Admission {
    const used = b.limit - remaining(b);
    const wait = Math.max(1, Math.ceil(waitMs));
    const message = `Rate limit reached for ${this.model} in organization ${org} on ${what}: Limit ${b.limit}, Used ${used}, Requested ${requested}. Please try again in ${formatDuration(wait)}. ${RATE_LIMIT_DOCS}`;
    return { ok: false, type, retryAfterMs: wait, message };
  }

  private tooLarge(cost: number, org: string): Admission {
    const message = `Request too large for ${this.model} in organization ${org} on tokens per min (TPM): Limit ${this.tpm.limit}, Requested ${cost}. The input or output tokens must be reduced in order to run successfully. ${RATE_LIMIT_DOCS}`;
    return { ok: false, type: 'tokens', retryAfterMs: this.tpm.windowMs, message };
  }

  /** A request that failed validation still counts against RPM, as the real service counts it. */
  countFailed(now: number): void {
    this.refillAll(now);
    this.spendRejected();
  }

  /** Unsuccessful requests count against RPM too, as the real service counts them. */
  private spendRejected(): void {
    this.rpm.level = Math.max(0, this.rpm.level - 1);
  }

  private refillAll(now: number): void {
    refill(this.rpm, now);
    refill(this.tpm, now);
    if (this.rpd) refill(this.rpd, now);
    if (this.tpd) refill(this.tpd, now);
  }
}
