import { MAX_TIMER_MS } from './timers';

/** Reconnect delays: doubling from `initial` up to `max`, with ±20 % jitter so many nodes don't retry in step. */
export interface BackoffOptions {
  initial?: number;
  max?: number;
  factor?: number;
}

export class Backoff {
  private readonly initial: number;
  private readonly max: number;
  private readonly factor: number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initial = options.initial ?? 1000;
    this.max = options.max ?? 30_000;
    this.factor = options.factor ?? 2;
  }

  /** The delay before the next attempt; each call lengthens the following one. */
  next(): number {
    const base = Math.min(this.max, this.initial * this.factor ** this.attempt);
    this.attempt++;
    return Math.min(MAX_TIMER_MS, Math.round(base * (0.8 + Math.random() * 0.4)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
