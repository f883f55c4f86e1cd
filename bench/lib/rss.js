'use strict';
// Samples this process's RSS while something runs, to see how far memory grows above a baseline.

class RssSampler {
  constructor(intervalMs = 5) {
    this.intervalMs = intervalMs;
    this.max = 0;
    this.timer = undefined;
  }

  start() {
    this.max = process.memoryUsage.rss();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample() {
    const rss = process.memoryUsage.rss();
    if (rss > this.max) this.max = rss;
  }

  /** Stops and returns the highest RSS seen, in bytes. */
  stop() {
    clearInterval(this.timer);
    this.sample();
    return this.max;
  }
}

module.exports = { RssSampler };
