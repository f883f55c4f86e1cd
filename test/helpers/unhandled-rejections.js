'use strict';
// Mocha only re-emits unhandled rejections it can trace to user code; every other one would pass
// unnoticed. The guard counts them instead and fails if there were any.
require('should');
const { watchUnhandledRejections } = require('../fuzz/properties');

/**
 * Registers, in the scope it is called from, a `before` hook that starts counting unhandled
 * rejections and an `after` hook that stops counting and expects none. Called at the top of a
 * file, the hooks go to Mocha's root suite; called inside a describe, they cover that describe.
 * Returns an object whose `records` are the rejections counted so far (once `before` has run).
 */
function useUnhandledRejectionGuard() {
  let unhandled;
  before(function () {
    unhandled = watchUnhandledRejections();
  });
  after(function () {
    unhandled.stop();
    unhandled.records.should.have.length(0);
  });
  return {
    get records() {
      return unhandled.records;
    },
  };
}

module.exports = { useUnhandledRejectionGuard };
