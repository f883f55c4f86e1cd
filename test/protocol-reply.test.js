'use strict';

// parseReply (reply words, tags, attributes split at the second '=', prototype safety) and the
// text encodings used for word contents (utf8 with U+FFFD, windows-1252 both ways).

const should = require('should');
const fc = require('fast-check');
const {
  SentenceDecoder,
  ProtocolError,
  parseReply,
  encodeSentence,
  encodeRawSentence,
  rawSentenceWords,
  decodeText,
  writeText,
  encodedByteLength,
  TEXT_ENCODINGS,
  isTextEncoding,
} = require('../dist/protocol');

const runs = 300;

// windows-1252 0x80-0x9F per the WHATWG Encoding Standard (index-windows-1252.txt); the five bytes
// it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same number.
// Written out here rather than taken from src, so the test is an independent oracle.
const WIN1252_80_9F = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d,
  0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x009d, 0x017e, 0x0178,
];
const win1252Char = (b) => String.fromCharCode(b >= 0x80 && b < 0xa0 ? WIN1252_80_9F[b - 0x80] : b);

/** Words given as strings (taken as latin1 bytes) or byte arrays. */
const toBytes = (w) => (typeof w === 'string' ? Buffer.from(w, 'latin1') : Buffer.from(w));

/** Encodes `words`, runs them through a SentenceDecoder and parses the sentence it produces. */
function reply(words, encoding) {
  const replies = [];
  const decoder = new SentenceDecoder((raw) => replies.push(parseReply(raw, encoding)));
  decoder.push(encodeRawSentence(words.map(toBytes)));
  replies.length.should.equal(1);
  return replies[0];
}

describe('protocol: parseReply', function () {
  describe('reply words', function () {
    it('!re with attributes', function () {
      reply(['!re', '=.id=*1', '=name=ether1', '=running=true']).should.eql({
        type: '!re',
        word: '!re',
        tag: undefined,
        attributes: { '.id': '*1', name: 'ether1', running: 'true' },
        extra: [],
      });
    });

    it('!done with =ret=', function () {
      const r = reply(['!done', '=ret=d41d8cd98f00b204e9800998ecf8427e']);
      r.type.should.equal('!done');
      r.attributes.should.eql({ ret: 'd41d8cd98f00b204e9800998ecf8427e' });
    });

    it('bare !done', function () {
      reply(['!done']).should.eql({ type: '!done', word: '!done', tag: undefined, attributes: {}, extra: [] });
    });

    it('!trap with category and message', function () {
      const r = reply(['!trap', '=category=2', '=message=interrupted', '.tag=7']);
      r.type.should.equal('!trap');
      r.tag.should.equal('7');
      r.attributes.should.eql({ category: '2', message: 'interrupted' });
    });

    it('!fatal keeps its reason word in extra', function () {
      const r = reply(['!fatal', 'session terminated on request']);
      r.type.should.equal('!fatal');
      r.extra.should.eql(['session terminated on request']);
      should(r.tag).be.undefined();
      r.attributes.should.eql({});
    });

    it('!empty (RouterOS 7.18+)', function () {
      const r = reply(['!empty', '.tag=3']);
      r.type.should.equal('!empty');
      r.tag.should.equal('3');
    });

    it('an unknown reply word is type "unknown" and keeps the word', function () {
      for (const word of ['!weird', '!RE', 're', '!re ', '=a=b']) {
        const r = reply([word, '=a=b']);
        r.type.should.equal('unknown', word);
        r.word.should.equal(word);
        r.attributes.should.have.property('a', 'b');
      }
    });

    it('a RawSentence with no words is a ProtocolError EEMPTYSENTENCE', function () {
      let caught;
      try {
        parseReply({ buffer: Buffer.alloc(0), starts: [], ends: [], count: 0 });
      } catch (err) {
        caught = err;
      }
      caught.should.be.instanceOf(ProtocolError);
      caught.code.should.equal('EEMPTYSENTENCE');
    });

    it('reads only the spans given by starts/ends/count', function () {
      const buffer = Buffer.from('xx!reyy=a=1zz.tag=5ww=b=2');
      const raw = { buffer, starts: [2, 7, 13, 21], ends: [5, 11, 19, 25], count: 3 };
      parseReply(raw).should.eql({ type: '!re', word: '!re', tag: '5', attributes: { a: '1' }, extra: [] });
    });
  });

  describe('.tag', function () {
    it('is found when it is not the last word', function () {
      const r = reply(['!re', '.tag=abc', '=name=x', 'other']);
      r.tag.should.equal('abc');
      r.attributes.should.eql({ name: 'x' });
      r.extra.should.eql(['other']);
    });

    it('may be empty or contain "="', function () {
      reply(['!done', '.tag=']).tag.should.equal('');
      reply(['!done', '.tag=a=b']).tag.should.equal('a=b');
    });

    it('=.tag= is an attribute, and ".tag" / ".tagx=1" are extra words, not the tag', function () {
      const r = reply(['!re', '=.tag=1', '.tag', '.tagx=1']);
      should(r.tag).be.undefined();
      r.attributes.should.eql({ '.tag': '1' });
      r.extra.should.eql(['.tag', '.tagx=1']);
    });
  });

  describe('attributes', function () {
    it('split at the second "=": values may contain "="', function () {
      reply(['!re', '=comment=a=b==c', '=expr==', '==x', '=.about=x=1']).attributes.should.eql({
        comment: 'a=b==c',
        expr: '=',
        '': 'x',
        '.about': 'x=1',
      });
    });

    it('"=name" without a second "=" has the empty value, as does "="', function () {
      reply(['!re', '=disabled', '=']).attributes.should.eql({ disabled: '', '': '' });
      reply(['!re', '=count-only=']).attributes.should.eql({ 'count-only': '' });
    });

    it('=__proto__=x is an own attribute and touches no prototype', function () {
      const before = Object.getOwnPropertyNames(Object.prototype).join();
      const r = reply(['!re', '=__proto__=x', '=constructor=y', '=toString=z', '=hasOwnProperty=w']);
      Object.getPrototypeOf(r.attributes).should.equal(Object.prototype);
      Object.prototype.hasOwnProperty.call(r.attributes, '__proto__').should.be.true();
      Object.getOwnPropertyDescriptor(r.attributes, '__proto__').value.should.equal('x');
      Object.keys(r.attributes).should.eql(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
      r.attributes.constructor.should.equal('y');
      JSON.parse(JSON.stringify(r.attributes)).should.have.ownProperty('__proto__');
      Object.getOwnPropertyNames(Object.prototype).join().should.equal(before);
      should({}.x).be.undefined();
      ({}).toString.should.be.a.Function();
    });

    it('=__proto__ without a value, and a repeated __proto__, stay own string values', function () {
      const r = reply(['!re', '=__proto__', '=__proto__=again']);
      Object.getOwnPropertyDescriptor(r.attributes, '__proto__').value.should.equal('again');
      Object.getPrototypeOf(r.attributes).should.equal(Object.prototype);
    });
  });

  describe('text decoding', function () {
    it('win1252: 0x80 → €, 0x9F → Ÿ, 0xE9 → é, undefined 0x81 → U+0081', function () {
      const r = reply(['!re', [0x3d, 0x61, 0x3d, 0x80, 0x9f, 0xe9, 0x81], '.tag=\x80'], 'win1252');
      r.attributes.a.should.equal('€Ÿé\u0081');
      r.tag.should.equal('€');
      reply([[0x21, 0x80]], 'win1252').word.should.equal('!€');
      reply(['!fatal', [0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]], 'win1252').extra.should.eql(['café €']);
    });

    it('win1252: all 256 bytes decode per the WHATWG table', function () {
      const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
      const expected = Array.from({ length: 256 }, (_, b) => win1252Char(b)).join('');
      decodeText(all, 0, 256, 'win1252').should.equal(expected);
      decodeText(all, 0x7e, 0xa2, 'win1252').should.equal(expected.slice(0x7e, 0xa2));
    });

    it('win1252: any bytes decode to one character per byte, per the table', function () {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          const buf = Buffer.from(bytes);
          decodeText(buf, 0, buf.length, 'win1252').should.equal(Array.from(bytes, win1252Char).join(''));
        }),
        { numRuns: runs },
      );
    });

    it('utf8: invalid bytes become U+FFFD and never throw', function () {
      const cases = [
        [[0xff], '\uFFFD'],
        [[0x80], '\uFFFD'],
        [[0x61, 0xe2, 0x82, 0x62], 'a\uFFFDb'], // truncated sequence
        [[0xc0, 0x80], '\uFFFD\uFFFD'], // overlong
        [[0xed, 0xa0, 0x80], '\uFFFD\uFFFD\uFFFD'], // a surrogate
        [[0xe2, 0x82], '\uFFFD'], // truncated at the end
      ];
      for (const [bytes, expected] of cases) {
        reply(['!re', [0x3d, 0x76, 0x3d, ...bytes]], 'utf8').attributes.v.should.equal(expected);
      }
      reply(
        [
          [0x21, 0xff],
          [0x2e, 0x74, 0x61, 0x67, 0x3d, 0xc3],
        ],
        'utf8',
      ).should.match({
        type: 'unknown',
        word: '!\uFFFD',
        tag: '\uFFFD',
      });
    });

    it('utf8: any bytes decode as the WHATWG decoder does (TextDecoder), never throwing', function () {
      const oracle = new TextDecoder('utf-8');
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          const buf = Buffer.from(bytes);
          decodeText(buf, 0, buf.length, 'utf8').should.equal(oracle.decode(bytes));
        }),
        { numRuns: runs },
      );
    });

    it('defaults to utf8', function () {
      reply(['!re', Buffer.from('=name=café', 'utf8')]).attributes.name.should.equal('café');
    });
  });
});

describe('protocol: text encodings and encodeSentence', function () {
  it('knows exactly utf8 and win1252', function () {
    TEXT_ENCODINGS.should.eql(['utf8', 'win1252']);
    isTextEncoding('utf8').should.be.true();
    isTextEncoding('win1252').should.be.true();
    for (const other of ['latin1', 'utf-8', 'UTF8', '', undefined, null, 8]) isTextEncoding(other).should.be.false();
  });

  it('encodes "café €" in win1252 and in utf8', function () {
    [...encodeSentence(['café €'], 'win1252')].should.eql([0x06, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x00]);
    [...encodeSentence(['café €'], 'utf8')].should.eql([
      0x09, 0x63, 0x61, 0x66, 0xc3, 0xa9, 0x20, 0xe2, 0x82, 0xac, 0x00,
    ]);
    encodeSentence(['café €'])
      .equals(encodeSentence(['café €'], 'utf8'))
      .should.be.true();
  });

  it('win1252 writes a character it cannot hold as "?"', function () {
    [...encodeSentence(['=a=Ω日'], 'win1252')].should.eql([0x05, 0x3d, 0x61, 0x3d, 0x3f, 0x3f, 0x00]);
    encodedByteLength('Ω日', 'win1252').should.equal(2);
  });

  it('win1252 writes the five undefined bytes back from their C1 characters', function () {
    [...encodeSentence(['\u0081\u008d\u008f\u0090\u009d'], 'win1252').subarray(1, 6)].should.eql([
      0x81, 0x8d, 0x8f, 0x90, 0x9d,
    ]);
  });

  it('encodes the empty sentence as a lone zero byte', function () {
    [...encodeSentence([])].should.eql([0]);
    [...encodeRawSentence([])].should.eql([0]);
  });

  it('encodes a sentence crossing the one/two-byte prefix boundary', function () {
    const word = 'x'.repeat(0x80);
    const out = encodeSentence(['!re', word]);
    [...out.subarray(0, 4)].should.eql([0x03, 0x21, 0x72, 0x65]);
    [...out.subarray(4, 6)].should.eql([0x80, 0x80]);
    out.length.should.equal(4 + 2 + 0x80 + 1);
  });

  it('win1252 round-trips every string made of characters it can hold', function () {
    const holdable = fc.constantFrom(...Array.from({ length: 256 }, (_, b) => win1252Char(b)));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: holdable, minLength: 1, maxLength: 20 }), { maxLength: 5 }), (words) => {
        const decoded = [];
        new SentenceDecoder((raw) => {
          for (let i = 0; i < raw.count; i++)
            decoded.push(decodeText(raw.buffer, raw.starts[i], raw.ends[i], 'win1252'));
        }).push(encodeSentence(words, 'win1252'));
        decoded.should.eql(words);
      }),
      { numRuns: runs },
    );
  });

  it('utf8 encodes any string (lone surrogates included) as Buffer.from(s, "utf8"), prefixes matching', function () {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 5 }), (words) => {
        const out = encodeSentence(words, 'utf8');
        const got = [];
        new SentenceDecoder((raw) => got.push(...rawSentenceWords(raw))).push(out);
        got.map((w) => w.toString('hex')).should.eql(words.map((w) => Buffer.from(w, 'utf8').toString('hex')));
        for (const w of words) encodedByteLength(w, 'utf8').should.equal(Buffer.byteLength(w, 'utf8'));
      }),
      { numRuns: runs },
    );
  });

  it('writeText writes at an offset and returns the byte count', function () {
    const target = Buffer.alloc(8, 0xaa);
    writeText('é€', target, 2, 'win1252').should.equal(2);
    writeText('é', target, 4, 'utf8').should.equal(2);
    [...target].should.eql([0xaa, 0xaa, 0xe9, 0x80, 0xc3, 0xa9, 0xaa, 0xaa]);
  });
});
