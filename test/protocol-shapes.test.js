'use strict';
// parseReply builds rows through a cache of key sequences (src/protocol/shapes.ts) that
// compiles one constructor per key set and decides per key whether to cache its values. These
// tests hold it to the plain reading of the words: same keys, same order, same values, for
// interleaved key sets, keys that change mid-reply, values that switch from repeating to
// unique and back, non-ASCII bytes, `__proto__`, and more key sets than the cache keeps.
require('should');
const { SentenceDecoder, parseReply, encodeRawSentence, StringInterner } = require('../dist/protocol');

/** The words' attributes read the obvious way (an independent oracle). */
function expected(words, encoding = 'utf8') {
  const out = {};
  for (const w of words.slice(1)) {
    if (w[0] !== 0x3d) continue;
    const eq = w.indexOf(0x3d, 1);
    const key = w.subarray(1, eq === -1 ? w.length : eq);
    const value = eq === -1 ? Buffer.alloc(0) : w.subarray(eq + 1);
    const text = (b) => (encoding === 'utf8' ? b.toString('utf8') : b.toString('latin1'));
    Object.defineProperty(out, text(key), { value: text(value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Parses many sentences in one stream with one interner (so one shape cache); returns rows. */
function parseAll(sentences, encoding = 'utf8', interner = new StringInterner()) {
  const rows = [];
  const decoder = new SentenceDecoder((raw) => rows.push(parseReply(raw, encoding, interner).attributes));
  decoder.push(Buffer.concat(sentences.map((words) => encodeRawSentence(words))));
  return rows;
}

const b = (s) => Buffer.from(s, 'utf8');
const sentence = (pairs) => [b('!re'), ...pairs.map(([k, v]) => b(v === undefined ? `=${k}` : `=${k}=${v}`))];

function check(sentences, encoding, interner) {
  const rows = parseAll(sentences, encoding, interner);
  rows.length.should.equal(sentences.length);
  rows.forEach((row, i) => {
    const want = expected(sentences[i], encoding);
    Object.keys(row).should.eql(Object.keys(want), `row ${i} keys`);
    row.should.eql(want, `row ${i}`);
    Object.getPrototypeOf(row).should.equal(Object.prototype);
  });
  return rows;
}

describe('protocol: row shapes (parseReply)', function () {
  it('interleaved key sets, optional keys in the middle, keys in another order', function () {
    const sentences = [];
    for (let i = 0; i < 2000; i++) {
      const pairs = [
        ['.id', `*${i.toString(16)}`],
        ['dst-address', `2001:db8:${i}::/64`],
      ];
      if (i % 3 === 0) pairs.push(['bgp.med', String(i % 10)]);
      pairs.push(['gateway', `gw${i % 4}`]);
      if (i % 2 === 0) pairs.push(['bgp.communities', `64496:${i % 500}`]);
      pairs.push(i % 13 === 0 ? ['inactive', 'true'] : ['active', 'true']);
      if (i % 7 === 0) pairs.reverse();
      sentences.push(sentence(pairs));
    }
    check(sentences);
  });

  it('values that repeat, then turn unique, then repeat again, stay exact', function () {
    const sentences = [];
    for (let i = 0; i < 60000; i++) {
      const phase = Math.floor(i / 20000);
      const v = phase === 1 ? `u${i}` : `r${i % 3}`;
      sentences.push(
        sentence([
          ['k', v],
          ['same', 'main'],
          ['long', `${'x'.repeat(30)}${i % 2}`],
        ]),
      );
    }
    check(sentences);
  });

  it('values from a few thousand (too many for one key table), then unique, stay exact', function () {
    const sentences = [];
    for (let i = 0; i < 30000; i++) {
      const addr = i < 20000 ? `198.51.100.${i % 250}/${24 + (i % 9)}` : `2001:db8:${i.toString(16)}::/64`;
      sentences.push(
        sentence([
          ['dst-address', addr],
          ['gateway', `gw${i % 4}`],
        ]),
      );
    }
    check(sentences);
  });

  it('a key that is a prefix of another, empty values and values holding "="', function () {
    const sentences = [];
    for (let i = 0; i < 600; i++) {
      sentences.push(
        sentence([
          ['a', `${i % 5}`],
          ['ab', '='],
          ['abc', undefined],
          ['', 'empty-key'],
          ['x', `a=b=${i}`],
        ]),
      );
      sentences.push(
        sentence([
          ['ab', 'first'],
          ['a', ''],
          ['abc', 'c'],
        ]),
      );
    }
    check(sentences);
  });

  it('non-ASCII keys and values in both encodings', function () {
    for (const encoding of ['utf8', 'win1252']) {
      const sentences = [];
      for (let i = 0; i < 600; i++) {
        const v = i % 2 ? 'café' : `plain${i % 3}`;
        sentences.push([
          b('!re'),
          b(`=comment=${v}`),
          Buffer.from([0x3d, 0x6b, 0xe9, 0x3d, 0x41 + (i % 3)]),
          b('=n=1'),
        ]);
      }
      const rows = parseAll(sentences, encoding);
      rows[1].comment.should.equal(encoding === 'utf8' ? 'café' : 'cafÃ©');
      rows[0].comment.should.equal('plain0');
      if (encoding === 'win1252') rows[2]['k\u00e9'].should.equal('C');
      check(sentences, encoding);
    }
  });

  it('__proto__ anywhere in a row is an own property, never the prototype', function () {
    const sentences = [];
    for (let i = 0; i < 300; i++) {
      const pairs = [
        ['a', '1'],
        ['b', `${i}`],
      ];
      pairs.splice(i % 3, 0, ['__proto__', `p${i % 2}`]);
      sentences.push(sentence(pairs));
      sentences.push(
        sentence([
          ['a', '1'],
          ['b', `${i}`],
        ]),
      );
    }
    const rows = check(sentences);
    rows[0].should.have.ownProperty('__proto__');
    ({}).should.not.have.ownProperty('__proto__');
    Object.getPrototypeOf(rows[0]).should.equal(Object.prototype);
  });

  it('a repeated key keeps its first position and its last value', function () {
    const rows = check([
      sentence([
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ]),
      sentence([
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ]),
    ]);
    Object.keys(rows[1]).should.eql(['a', 'b']);
    rows[1].a.should.equal('3');
  });

  it('more distinct key sets than the cache keeps: still exact, and bounded', function () {
    const sentences = [];
    for (let i = 0; i < 6000; i++)
      sentences.push(
        sentence([
          ['k' + i, 'v'],
          ['x' + (i % 7), `${i}`],
        ]),
      );
    for (let i = 0; i < 100; i++)
      sentences.push(
        sentence([
          ['a', `${i}`],
          ['b', 'main'],
        ]),
      );
    check(sentences);
  });
});
