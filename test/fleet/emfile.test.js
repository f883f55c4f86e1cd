'use strict';
// A fleet larger than the process's file-descriptor limit: the routers it hits fail with
// EMFILE and a clear message, the others answer, and nothing crashes.
const { execFile } = require('node:child_process');
const path = require('node:path');
require('should');
const { RouterOSSimulator } = require('../../dist/simulator');

const ROUTERS = 80;
const LIMIT = 64; // Node needs some itself: about half the routers get a descriptor

describe('fleet: out of file descriptors', function () {
  this.timeout(30000);
  const sims = [];
  before(async function () {
    for (let i = 0; i < ROUTERS; i++) {
      const sim = new RouterOSSimulator();
      await sim.start();
      sims.push(sim);
    }
  });
  after(async function () {
    await Promise.all(sims.map((sim) => sim.stop()));
  });

  it(`fails the routers it hits with EMFILE; the rest answer (a child process limited to ${LIMIT} descriptors)`, async function () {
    const child = path.join(__dirname, '..', 'fixtures', 'fleet-fanout-child.js');
    const script = `ulimit -n ${LIMIT} && exec "${process.execPath}" "${child}" ${sims.map((s) => s.port).join(' ')}`;
    const { stdout } = await new Promise((resolve, reject) =>
      execFile('bash', ['-c', script], { timeout: 25000 }, (err, out, errOut) =>
        err ? reject(new Error(`child failed: ${err.message}\n${errOut}`)) : resolve({ stdout: out }),
      ),
    );
    const summary = JSON.parse(stdout);
    const failed = Object.values(summary.failed);
    (summary.ok.length + failed.length).should.equal(ROUTERS);
    summary.ok.length.should.be.above(0, 'the routers that got a descriptor answered');
    failed.length.should.be.above(0, 'the limit was reached');
    for (const failure of failed) {
      failure.code.should.equal('EMFILE');
      failure.message.should.match(/too many open files in this process/);
    }
  });
});
