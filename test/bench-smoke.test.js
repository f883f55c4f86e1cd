'use strict';
// `npm run bench` stays out of `npm test`; this smoke run proves the harness still works: every
// scenario at tiny size, once, in a child process, printing the table and writing nothing.
const path = require('node:path');
const { execFile } = require('node:child_process');
require('should');

const RUN = path.join(__dirname, '..', 'bench', 'run.js');

describe('benchmark smoke run', function () {
  this.timeout(150_000);

  it('runs every scenario at tiny size, exits 0 and prints the table', async function () {
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(
        process.execPath,
        [RUN, '--smoke'],
        { timeout: 140_000, maxBuffer: 8 * 1024 * 1024 },
        (err, out, errOut) => resolve({ code: err ? (err.code ?? err.signal) : 0, stdout: out, stderr: errOut }),
      );
    });
    if (code !== 0) throw new Error(`bench --smoke exited with ${code}\n${stderr}\n${stdout}`);
    stdout.should.match(/SMOKE RUN/);
    stdout.should.match(/\| Scenario +\| Rows +\| Measure/);
    for (const scenario of [
      '1 Decode',
      '2 End to end',
      '3 Streaming',
      '3b Node-RED',
      '4 Concurrency',
      '5 Desired state',
    ]) {
      stdout.should.containEql(scenario);
    }
    // The fleet table: every side answered (a side that failed shows "failed") and the faults ran.
    stdout.should.match(/Fleet: `\/system\/resource\/print` to 20 simulated routers, 5 at once/);
    for (const measure of [
      'warm fan-out (pooled), RouterPool',
      'routeros-fleet + routeros-command',
      'RSS growth per idle',
    ]) {
      stdout.should.containEql(measure);
    }
    stdout.should.match(/cold: summary with 2 refusing \+ 1 silent of 20 .*errors: 2 ECONNREFUSED, 1 ETIMEOUT/);
    // The fleet listen: every event sent reached the counting node, the same number per router.
    stdout.should.match(
      /listen on 5 routers of a fleet, events\/s .*\| [\d.]+ k? ?events\/s .*round, 0 lost of 200 sent;/,
    );
    stdout.should.match(
      /listen on 1 router of a fleet, events\/s .*\| [\d.]+ k? ?events\/s .*round, 0 lost of 200 sent;/,
    );
    stdout.should.not.containEql('NOT the same count');
    stdout.should.not.match(/\bfailed\b/);
    stdout.should.not.containEql('written to');
  });
});
