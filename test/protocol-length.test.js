'use strict';

// Word length prefixes: the boundary table from PROTOCOL-NOTES.md, both ways, byte for byte.

const should = require('should');
const fc = require('fast-check');
const {
  encodeLength,
  decodeLength,
  writeLength,
  lengthPrefixSize,
  MAX_ENCODABLE_LENGTH,
  ProtocolError,
} = require('../dist/protocol');

const runs = 1000;

// [length, prefix bytes] — every form's first and last value (PROTOCOL-NOTES.md length table).
const VECTORS = [
  [0, [0x00]],
  [1, [0x01]],
  [0x7f, [0x7f]],
  [0x80, [0x80, 0x80]],
  [0x1234, [0x92, 0x34]],
  [0x3fff, [0xbf, 0xff]],
  [0x4000, [0xc0, 0x40, 0x00]],
  [0x1fffff, [0xdf, 0xff, 0xff]],
  [0x200000, [0xe0, 0x20, 0x00, 0x00]],
  [0xfffffff, [0xef, 0xff, 0xff, 0xff]],
  [0x10000000, [0xf0, 0x10, 0x00, 0x00, 0x00]],
  [0xffffffff, [0xf0, 0xff, 0xff, 0xff, 0xff]],
];

const hex = (n) => `0x${n.toString(16).toUpperCase()}`;

function expectProtocolError(fn, code) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  should.exist(caught, 'expected a ProtocolError');
  caught.should.be.instanceOf(ProtocolError);
  caught.should.be.instanceOf(Error);
  caught.name.should.equal('ProtocolError');
  caught.code.should.equal(code);
  return caught;
}

describe('protocol: length prefixes', function () {
  it('MAX_ENCODABLE_LENGTH is 0xFFFFFFFF', function () {
    MAX_ENCODABLE_LENGTH.should.equal(0xffffffff);
  });

  describe('boundary vectors', function () {
    for (const [length, bytes] of VECTORS) {
      const label = `${hex(length)} <-> ${Buffer.from(bytes).toString('hex')}`;

      it(`encodeLength ${label}`, function () {
        const out = encodeLength(length);
        Buffer.isBuffer(out).should.be.true();
        [...out].should.eql(bytes);
        lengthPrefixSize(length).should.equal(bytes.length);
      });

      it(`writeLength ${label} at an offset, touching nothing else`, function () {
        const target = Buffer.alloc(bytes.length + 6, 0xaa);
        writeLength(length, target, 3).should.equal(3 + bytes.length);
        [...target.subarray(3, 3 + bytes.length)].should.eql(bytes);
        [...target.subarray(0, 3)].should.eql([0xaa, 0xaa, 0xaa]);
        [...target.subarray(3 + bytes.length)].should.eql([0xaa, 0xaa, 0xaa]);
      });

      it(`decodeLength ${label}, also at an offset and with bytes after it`, function () {
        decodeLength(Uint8Array.from(bytes)).should.eql({ length, size: bytes.length });
        decodeLength(Buffer.from([0xff, 0xff, ...bytes, 0xf8, 0x01]), 2).should.eql({ length, size: bytes.length });
      });

      it(`decodeLength of every truncation of ${label} needs more (size 0)`, function () {
        for (let cut = 0; cut < bytes.length; cut++) {
          decodeLength(Buffer.from(bytes.slice(0, cut))).should.eql({ length: 0, size: 0 });
          decodeLength(Buffer.from([0x55, ...bytes.slice(0, cut)]), 1).size.should.equal(0);
        }
      });
    }

    it('decodeLength past the end needs more', function () {
      decodeLength(Buffer.alloc(0)).size.should.equal(0);
      decodeLength(Buffer.from([1, 2]), 2).size.should.equal(0);
      decodeLength(Buffer.from([1, 2]), 9).size.should.equal(0);
    });

    it('the prefix size follows the first byte for every non-control first byte', function () {
      const expected = (b) => (b < 0x80 ? 1 : b < 0xc0 ? 2 : b < 0xe0 ? 3 : b < 0xf0 ? 4 : 5);
      for (let b = 0; b < 0xf8; b++) {
        const decoded = decodeLength(Buffer.from([b, 0, 0, 0, 0, 0]));
        decoded.size.should.equal(expected(b), `first byte ${hex(b)}`);
      }
    });
  });

  describe('reserved control bytes 0xF8-0xFF', function () {
    for (let b = 0xf8; b <= 0xff; b++) {
      it(`${hex(b)} is a ProtocolError ECONTROLBYTE, alone, followed by bytes, or at an offset`, function () {
        const err = expectProtocolError(() => decodeLength(Buffer.from([b])), 'ECONTROLBYTE');
        err.message.should.containEql(hex(b).slice(2));
        expectProtocolError(() => decodeLength(Buffer.from([b, 0, 0, 0, 0, 0])), 'ECONTROLBYTE');
        expectProtocolError(() => decodeLength(Buffer.from([0x01, b]), 1), 'ECONTROLBYTE');
      });
    }
  });

  describe('lengths that cannot be encoded', function () {
    const bad = [-1, -0x80, 1.5, 0x7f + 0.5, NaN, Infinity, -Infinity, 0x100000000, 2 ** 53];
    for (const length of bad) {
      it(`${length} → RangeError from encodeLength and writeLength (nothing written)`, function () {
        (() => encodeLength(length)).should.throw(RangeError);
        const target = Buffer.alloc(8, 0xaa);
        (() => writeLength(length, target, 0)).should.throw(RangeError);
        [...target].should.eql(new Array(8).fill(0xaa));
      });
    }
  });

  describe('properties', function () {
    // Mostly values next to a boundary, where off-by-one mistakes live; the rest anywhere in u32.
    const boundaries = [0, 0x80, 0x4000, 0x200000, 0x10000000, 0xffffffff];
    const nearBoundary = fc
      .tuple(fc.constantFrom(...boundaries), fc.integer({ min: -3, max: 3 }))
      .map(([b, d]) => Math.min(0xffffffff, Math.max(0, b + d)));
    const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), nearBoundary);

    it('encode then decode returns the length, with the table size, for any u32', function () {
      fc.assert(
        fc.property(u32, fc.uint8Array({ maxLength: 4 }), (length, trailing) => {
          const prefix = encodeLength(length);
          const size = length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x200000 ? 3 : length < 0x10000000 ? 4 : 5;
          prefix.length.should.equal(size);
          lengthPrefixSize(length).should.equal(size);
          prefix[0].should.be.below(0xf8);
          decodeLength(Buffer.concat([prefix, trailing])).should.eql({ length, size });
          for (let cut = 0; cut < size; cut++) decodeLength(prefix.subarray(0, cut)).size.should.equal(0);
        }),
        { numRuns: runs },
      );
    });

    it('any five bytes decode to a u32 length or throw ProtocolError, never anything else', function () {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (bytes) => {
          if (bytes[0] >= 0xf8) {
            expectProtocolError(() => decodeLength(bytes), 'ECONTROLBYTE');
            return;
          }
          const { length, size } = decodeLength(bytes);
          Number.isInteger(length).should.be.true();
          length.should.be.within(0, 0xffffffff);
          size.should.be.within(1, 5);
        }),
        { numRuns: runs },
      );
    });
  });
});
