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

/** Resolves when `promise` settles or after `ms` (never, when `ms` is undefined), whichever is first. */
export function settledWithin(promise: Promise<unknown>, ms: number | undefined): Promise<void> {
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  if (ms === undefined) return settled;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
