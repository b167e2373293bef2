/**
 * A one-shot abort flag for the request hot path. An AbortController is an EventTarget: making
 * one and adding/removing its listeners (the engine's queue and undici both do, per request) cost
 * ~4 % of the gateway's CPU per request. This holds the slice of AbortSignal those two use
 * (`aborted`, `reason`, add/removeEventListener('abort'), throwIfAborted) on a plain array.
 */
export class AbortLatch {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | null = null;

  /** Typed as the AbortSignal the engine and the upstream client take. */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const l = this.listeners;
    if (!l) return;
    const i = l.indexOf(listener);
    if (i !== -1) l.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    const l = this.listeners;
    this.listeners = null;
    if (l) for (const listener of l) listener();
  }
}
