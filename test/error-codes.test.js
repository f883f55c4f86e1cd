'use strict';
// The README's error table and the client's list of codes are one list: a code added to either
// without the other fails here. (TypeScript makes every code the package throws one of ERROR_CODES.)
const fs = require('node:fs');
const path = require('node:path');
require('should');
const { ERROR_CODES, isErrorCode } = require('../dist/client');

function readmeErrorCodes() {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors you may see'), readme.indexOf('## Bad input'));
  const rows = section.split('\n').filter((line) => /^\| `E/.test(line));
  return rows.flatMap((row) => [...row.split('|')[1].matchAll(/`(E[A-Z_]+)`/g)].map((m) => m[1]));
}

describe('error codes', function () {
  it('the README error table lists exactly the codes of ERROR_CODES, once each', function () {
    const documented = readmeErrorCodes();
    documented.length.should.equal(new Set(documented).size, 'a code listed twice');
    documented.slice().sort().should.eql(Object.keys(ERROR_CODES).sort());
  });

  it('isErrorCode knows the list and nothing else', function () {
    isErrorCode('ELOGIN').should.be.true();
    isErrorCode('ENOPE').should.be.false();
    isErrorCode('toString').should.be.false();
    isErrorCode(42).should.be.false();
  });
});
