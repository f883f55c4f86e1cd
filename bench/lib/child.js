'use strict';
// Each measured side runs in its own Node process (so its peak RSS is its own). The processes
// stay up for a scenario and take turns: round 1 runs A then B, round 2 B then A, and so on,
// so that a noisy neighbour on a 2-core machine slows both sides alike and the per-round
// ratios hold. A worker that does not answer in time is killed (by its pid) and reported as
// stalled instead of hanging the whole run.
const { fork } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const WORKERS = path.join(__dirname, '..', 'workers');

class WorkerProcess {
  constructor(name, args, execArgv = []) {
    this.name = name;
    this.stderr = '';
    this.waiter = undefined;
    this.exited = false;
    this.child = fork(path.join(WORKERS, `${name}.js`), [JSON.stringify(args)], {
      cwd: ROOT,
      execArgv: ['--expose-gc', ...execArgv],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.child.on('message', (message) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (!waiter) return;
      if (message.type === 'reply') waiter.resolve(message.data);
      else waiter.reject(new Error(message.error));
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter.reject(new Error(`worker exited (${signal ?? `code ${code}`})${this.tail()}`));
    });
  }

  tail() {
    return this.stderr ? `\n${this.stderr.trim()}` : '';
  }

  /** Waits for the next reply (`message` is sent first when given). */
  next(message, timeoutMs) {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new Error(`worker already exited${this.tail()}`));
        return;
      }
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.kill();
        const err = new Error(`stalled: no answer within ${Math.round(timeoutMs / 1000)} s`);
        err.stalled = true;
        reject(err);
      }, timeoutMs);
      this.waiter = {
        resolve: (data) => {
          clearTimeout(timer);
          resolve(data);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      if (message) this.child.send(message);
    });
  }

  kill() {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/**
 * Starts one worker per side (worker `name`, or the side's own `worker`), runs `rounds` rounds (alternating the order), then asks each
 * for its final figures. Returns { [side]: { reps: [...], final, error } }; never rejects.
 * `params(side, round)` gives what each run gets (optional). A side runs bench/workers/<name>.js
 * unless it names another worker file (`worker`).
 */
async function runRounds(name, sides, { rounds, setupTimeoutMs, runTimeoutMs, execArgv = {}, params }) {
  const out = {};
  const workers = {};
  for (const { side, args, worker: workerName } of sides) {
    out[side] = { reps: [], final: undefined, error: undefined };
    // A side may run another worker than the scenario's (a baseline measured alongside).
    const worker = new WorkerProcess(workerName ?? name, args, execArgv[side] ?? []);
    workers[side] = worker;
    try {
      await worker.next(undefined, setupTimeoutMs);
    } catch (err) {
      out[side].error = err.message;
      worker.kill();
    }
  }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const { side } of order) {
      if (out[side].error) continue;
      try {
        out[side].reps.push(await workers[side].next({ type: 'run', params: params?.(side, round) }, runTimeoutMs));
      } catch (err) {
        out[side].error = err.message;
        workers[side].kill();
      }
    }
  }
  for (const { side } of sides) {
    if (out[side].error) continue;
    try {
      out[side].final = await workers[side].next({ type: 'finish' }, 30_000);
    } catch (err) {
      out[side].error = err.message;
      workers[side].kill();
    }
  }
  return out;
}

/**
 * For workers: `setup(args)` once (connect, warm up), then `run(state, params)` per round and
 * `finish(state)` at the end; each answer goes back to the parent.
 */
function serveWorker({ setup, run, finish }) {
  const args = JSON.parse(process.argv[2] || '{}');
  const fail = (err) => {
    process.send({ type: 'error', error: err && err.stack ? err.stack : String(err) }, () => process.exit(1));
  };
  let state;
  process.on('message', (message) => {
    if (message.type === 'run') {
      Promise.resolve()
        .then(() => run(state, message.params))
        .then((data) => process.send({ type: 'reply', data }), fail);
    } else if (message.type === 'finish') {
      Promise.resolve()
        .then(() => finish(state))
        .then((data) => process.send({ type: 'reply', data }, () => process.exit(0)), fail);
    }
  });
  Promise.resolve()
    .then(() => setup(args))
    .then((s) => {
      state = s;
      process.send({ type: 'reply', data: 'ready' });
    }, fail);
}

/**
 * Peak RSS of this process so far, in bytes. On Linux from VmHWM: `maxRSS` (getrusage) starts a
 * forked child at its parent's RSS at the time of the fork (kept across exec), so a worker
 * started while the bench holds a 300 MB reply would report at least that.
 */
function peakRss() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024;
}

function collectGarbage() {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
}

function now() {
  return process.hrtime.bigint();
}

function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

module.exports = { WorkerProcess, runRounds, serveWorker, peakRss, collectGarbage, now, msSince };
