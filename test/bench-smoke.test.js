'use strict';
// `npm run bench` stays out of `npm test`; this smoke run proves the harness still works: every
// scenario at tiny size, once, in a child process, printing the table and writing nothing.
const path = require('node:path');
const { execFile } = require('node:child_process');
require('should');

const RUN = path.join(__dirname, '..', 'bench', 'run.js');

describe('benchmark smoke run', function () {
  this.timeout(120_000);

  it('runs every scenario at tiny size, exits 0 and prints the table', async function () {
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(
        process.execPath,
        [RUN, '--smoke'],
        { timeout: 110_000, maxBuffer: 8 * 1024 * 1024 },
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
    stdout.should.not.match(/\bfailed\b/);
    stdout.should.not.containEql('written to');
  });
});
