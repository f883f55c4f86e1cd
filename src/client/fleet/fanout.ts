import { RouterOSError } from '../errors';

/** How one router of a fan-out ended. */
export type RouterOutcome<T> = { name: string; ok: true; value: T } | { name: string; ok: false; error: Error };

/** What a whole fan-out did: `failed` keeps each error's stable code. */
export interface FanOutSummary {
  ok: string[];
  failed: Record<string, { code: string; message: string }>;
  ms: number;
}

/**
 * Runs `task` for every router, at most `concurrency` at once, and reports each outcome as soon
 * as it is known (in the order routers answer, not the list's). A router that fails or is slow
 * holds up only its own slot: each task has its own timeout. Resolves with the summary once
 * every router has answered or failed; never rejects.
 */
export async function fanOut<R extends { name: string }, T>(
  routers: readonly R[],
  concurrency: number,
  task: (router: R) => Promise<T>,
  onOutcome: (outcome: RouterOutcome<T>, router: R) => void,
): Promise<FanOutSummary> {
  const started = Date.now();
  const summary: FanOutSummary = { ok: [], failed: {}, ms: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < routers.length) {
      const router = routers[next++];
      let outcome: RouterOutcome<T>;
      try {
        outcome = { name: router.name, ok: true, value: await task(router) };
        summary.ok.push(router.name);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        outcome = { name: router.name, ok: false, error };
        summary.failed[router.name] = {
          code: error instanceof RouterOSError ? error.code : 'EUNKNOWN',
          message: error.message,
        };
      }
      onOutcome(outcome, router);
    }
  };
  const workers = Math.max(1, Math.min(concurrency, routers.length));
  await Promise.all(Array.from({ length: workers }, worker));
  summary.ms = Date.now() - started;
  return summary;
}
