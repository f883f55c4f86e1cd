'use strict';
// Runs `task` for every item with at most `concurrency` at once (a plain work queue), for the
// sides of the fleet bench that have no fan-out of their own. Resolves with the failures.
async function forEachLimit(items, concurrency, task) {
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (err) {
        failures.push({ item, error: err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return failures;
}

module.exports = { forEachLimit };
