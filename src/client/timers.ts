/** Node clamps a delay above 2^31 - 1 ms (about 24.8 days) to 1 ms; never hand it one. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A timeout option as a timer delay: `undefined` for "no timeout" (0, negative, NaN or
 * Infinity), otherwise the delay capped at MAX_TIMER_MS. Every timeout the client takes from
 * a caller goes through here, so all of them mean the same thing by 0 and by Infinity.
 */
export function timerDelay(ms: number | undefined): number | undefined {
  if (ms === undefined || !(ms > 0) || ms === Infinity) return undefined;
  return Math.min(ms, MAX_TIMER_MS);
}
