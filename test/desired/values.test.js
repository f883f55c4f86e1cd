'use strict';
// Comparing values as RouterOS prints them: booleans, numbers, durations, spaces.
require('should');
const { sameValue, durationMs, canonical } = require('../../dist/desired');

describe('desired state: values as RouterOS prints them', function () {
  it('booleans: yes/true and no/false are one value each, whatever the type given', function () {
    sameValue('yes', 'true').should.be.true();
    sameValue(true, 'true').should.be.true();
    sameValue(false, 'no').should.be.true();
    sameValue('no', 'false').should.be.true();
    sameValue('yes', 'false').should.be.false();
    sameValue(true, 'no').should.be.false();
  });

  it('numbers compare as numbers', function () {
    sameValue(10, '10').should.be.true();
    sameValue('0010', '10').should.be.true();
    sameValue('1.50', '1.5').should.be.true();
    sameValue(10, '11').should.be.false();
  });

  it('durations in every RouterOS spelling', function () {
    for (const [a, b] of [
      ['1h', '01:00:00'],
      ['1h', '1h00m'],
      ['1d02:03:04', '1d2h3m4s'],
      ['5m', '00:05:00'],
      ['1w', '7d'],
      ['300', '5m'], // a bare number is seconds against a duration
      ['90s', '1m30s'],
    ]) {
      sameValue(a, b).should.be.true(`${a} = ${b}`);
    }
    sameValue('1h', '00:59:59').should.be.false();
    sameValue('5m', '5s').should.be.false();
    durationMs('1d02:03:04').should.equal(((26 * 60 + 3) * 60 + 4) * 1000);
    durationMs('10ms').should.equal(10);
    (durationMs('abc') === undefined).should.be.true();
    (durationMs('') === undefined).should.be.true();
  });

  it('surrounding spaces do not count; an unprinted property is empty', function () {
    sameValue(' blocked ', 'blocked').should.be.true();
    sameValue('', undefined).should.be.true();
    sameValue('x', undefined).should.be.false();
    canonical('  ').should.equal('');
  });

  it('text stays text: case and inner spaces count', function () {
    sameValue('Blocked', 'blocked').should.be.false();
    sameValue('a b', 'a  b').should.be.false();
    sameValue('198.51.100.1', '198.51.100.1/32').should.be.false();
  });
});
