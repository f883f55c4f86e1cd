'use strict';
// The string interner behind parseReply: same text for the same bytes, correct on hash
// collisions, bounded however many distinct strings arrive.
require('should');
const { StringInterner, INTERN_MAX_LENGTH } = require('../dist/protocol');

describe('protocol: StringInterner', function () {
  const bytes = (s) => Buffer.from(s, 'latin1');

  it('returns one shared string for repeated bytes', function () {
    const interner = new StringInterner();
    const a = interner.lookup(bytes('xxmainxx'), 2, 6);
    a.should.equal('main');
    interner.lookup(bytes('main'), 0, 4).should.equal('main');
    interner.size.should.equal(1);
  });

  it('tells colliding strings apart ("Aa" and "BB" share a hash)', function () {
    const interner = new StringInterner();
    interner.lookup(bytes('Aa'), 0, 2).should.equal('Aa');
    interner.lookup(bytes('BB'), 0, 2).should.equal('BB');
    interner.lookup(bytes('Aa'), 0, 2).should.equal('Aa');
  });

  it('leaves non-ASCII and long text to the decoder', function () {
    const interner = new StringInterner();
    (interner.lookup(Buffer.from('café', 'utf8'), 0, 5) === undefined).should.be.true();
    const long = bytes('x'.repeat(INTERN_MAX_LENGTH + 1));
    (interner.lookup(long, 0, long.length) === undefined).should.be.true();
    interner.size.should.equal(0);
  });

  it('stays bounded under a flood of distinct strings, and keeps answering correctly', function () {
    const interner = new StringInterner();
    for (let i = 0; i < 50000; i++) {
      const b = bytes(`k${i}`);
      interner.lookup(b, 0, b.length).should.equal(`k${i}`);
    }
    interner.size.should.be.belowOrEqual(8192);
    // Still learning after the flood: a new value takes a slot.
    const before = interner.size;
    for (let i = 0; i < 100; i++) {
      const b = bytes(`fresh-${i}`);
      interner.lookup(b, 0, b.length).should.equal(`fresh-${i}`);
    }
    interner.size.should.be.aboveOrEqual(Math.min(8192, before));
  });

  it('the empty string is a value like any other', function () {
    const interner = new StringInterner();
    interner.lookup(bytes('x'), 0, 0).should.equal('');
  });
});
