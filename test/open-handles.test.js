'use strict';
// The suite ends by itself (no `exit: true` in .mocharc.json); the root hook in
// test/helpers/open-handles.js fails a run that leaves anything open. These tests check that hook
// on two small runs of their own: one that leaks, one that does not.
const path = require('node:path');
const { execFile } = require('node:child_process');
require('should');

const MOCHA = require.resolve('mocha/bin/mocha.js');
const HOOK = path.join(__dirname, 'helpers', 'open-handles.js');
const fixture = (name) => path.join(__dirname, 'fixtures', name);

/** Runs Mocha on one file with the hook; resolves with its exit code (or signal) and output. */
function runMocha(file) {
  const args = [MOCHA, '--no-config', '--reporter', 'dot', '--require', HOOK, file];
  const env = { ...process.env, OPEN_HANDLES_SETTLE_MS: '200', OPEN_HANDLES_GRACE_MS: '500' };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 15000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? err.signal) : 0, output: stdout + stderr });
    });
  });
}

describe('the open-handles root hook', function () {
  it('fails a run that leaves a server and a timer open, lists them, and ends the process', async function () {
    const { code, output } = await runMocha(fixture('open-handles-leaky.js'));
    output.should.match(/left open after the last test/);
    output.should.match(/Server listening on 127\.0\.0\.1:\d+/);
    output.should.match(/1 timer \(setTimeout\/setInterval\)/);
    output.should.match(/Still open 500 ms after the run; ending it:\n {2}Server listening on .+\n {2}1 timer/);
    code.should.equal(1);
  });

  it('passes a run that closes what it opens, which then ends by itself', async function () {
    const { code, output } = await runMocha(fixture('open-handles-tidy.js'));
    output.should.not.match(/left open/);
    output.should.match(/1 passing/);
    code.should.equal(0);
  });
});
