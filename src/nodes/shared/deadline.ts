/**
 * Settles within `ms` whatever `promise` does: its value, or `onLate()` when it is late or
 * fails. For close handlers and editor endpoints, which must answer in bounded time.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onLate: () => T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(onLate()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(onLate());
      },
    );
  });
}
