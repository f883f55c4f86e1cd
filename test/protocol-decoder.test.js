'use strict';

// SentenceDecoder: framing across arbitrary TCP chunking, big words without quadratic copying,
// resuming without rescanning, limits, errors and the reused RawSentence.

const should = require('should');
const fc = require('fast-check');
const {
  SentenceDecoder,
  ProtocolError,
  DEFAULT_MAX_WORD_LENGTH,
  encodeSentence,
  encodeRawSentence,
  encodeLength,
  rawSentenceWords,
} = require('../dist/protocol');
const lengthModule = require('../dist/protocol/length');
const { properties, encodeStream, chunksOf, decodeChunks } = require('./fuzz/properties');

const runs = 300;

const text = (sentences) => sentences.map((words) => words.map((w) => w.toString('latin1')));

/** `length` bytes of a repeating pattern (cheap to build, easy to tell apart by seed). */
function bytesOf(length, seed = 7) {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function expectProtocolError(fn, code) {
  let caught;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  should.exist(caught, 'expected a ProtocolError');
  caught.should.be.instanceOf(ProtocolError);
  caught.code.should.equal(code);
  return caught;
}

/**
 * Runs `fn` while counting Buffer.concat calls and bytes, and the largest buffer allocated through
 * Buffer.alloc / allocUnsafe / allocUnsafeSlow / concat. Always restores the originals.
 */
function instrumentBuffers(fn) {
  const stats = { concatCalls: 0, concatBytes: 0, largestAllocation: 0 };
  const originals = {};
  for (const name of ['concat', 'alloc', 'allocUnsafe', 'allocUnsafeSlow']) {
    const original = Buffer[name];
    originals[name] = original;
    Buffer[name] = function (...args) {
      const out = original.apply(this, args);
      if (name === 'concat') {
        stats.concatCalls++;
        stats.concatBytes += out.length;
      }
      stats.largestAllocation = Math.max(stats.largestAllocation, out.length);
      return out;
    };
  }
  try {
    fn();
  } finally {
    Object.assign(Buffer, originals);
  }
  return stats;
}

describe('protocol: SentenceDecoder', function () {
  describe('framing', function () {
    it('decodes one sentence', function () {
      const { sentences, error, decoder } = decodeChunks([encodeSentence(['/interface/print', '=.proplist=name'])]);
      should(error).be.null();
      text(sentences).should.eql([['/interface/print', '=.proplist=name']]);
      decoder.bufferedBytes.should.equal(0);
    });

    it('decodes several sentences from one chunk, in order', function () {
      const stream = Buffer.concat([
        encodeSentence(['!re', '=name=ether1', '.tag=1']),
        encodeSentence(['!re', '=name=ether2', '.tag=1']),
        encodeSentence(['!done', '.tag=1']),
      ]);
      text(decodeChunks([stream]).sentences).should.eql([
        ['!re', '=name=ether1', '.tag=1'],
        ['!re', '=name=ether2', '.tag=1'],
        ['!done', '.tag=1'],
      ]);
    });

    it('decodes a stream fed one byte at a time, across every prefix form up to three bytes', function () {
      const sentences = [
        [bytesOf(1), bytesOf(0x7f), bytesOf(0x80, 1)],
        [Buffer.from('!re'), bytesOf(0x3fff, 2), bytesOf(0x4000, 3), Buffer.from('=x=y')],
        [Buffer.from('!done')],
      ];
      const stream = encodeStream(sentences);
      const got = decodeChunks(chunksOf(stream, 1));
      should(got.error).be.null();
      got.sentences.should.eql(sentences);
      got.decoder.bufferedBytes.should.equal(0);
    });

    it('decodes a stream split in two at every possible point', function () {
      const sentences = [
        [Buffer.from('!re'), Buffer.from('=name=a'), bytesOf(0x85)],
        [Buffer.from('!re'), Buffer.from('.tag=9')],
        [Buffer.from('!done'), Buffer.from('=ret=*1')],
      ];
      const stream = encodeStream(sentences);
      for (let cut = 0; cut <= stream.length; cut++) {
        const got = decodeChunks([stream.subarray(0, cut), stream.subarray(cut)]);
        should(got.error).be.null();
        got.sentences.should.eql(sentences, `split at ${cut}`);
      }
    });

    it('round-trips arbitrary sentences (binary, text, boundary-length words) split at random points', function () {
      fc.assert(properties.roundTrip(), { numRuns: runs });
    });

    it('skips empty sentences (lone zero bytes) before, between and after sentences', function () {
      const s = encodeSentence(['!done']);
      const stream = Buffer.concat([Buffer.from([0, 0]), s, Buffer.from([0]), s, Buffer.from([0, 0, 0])]);
      text(decodeChunks([stream]).sentences).should.eql([['!done'], ['!done']]);
      text(decodeChunks(chunksOf(stream, 1)).sentences).should.eql([['!done'], ['!done']]);
      decodeChunks([Buffer.from([0, 0, 0])]).sentences.should.eql([]);
    });

    it('ignores an empty chunk', function () {
      const sentences = [];
      const decoder = new SentenceDecoder((s) => sentences.push(rawSentenceWords(s)));
      const bytes = encodeSentence(['!done']);
      decoder.push(bytes.subarray(0, 2));
      decoder.push(Buffer.alloc(0));
      decoder.bufferedBytes.should.equal(2);
      decoder.push(bytes.subarray(2));
      text(sentences).should.eql([['!done']]);
    });

    it('keeps bytes that are control bytes as word data (only a prefix may not start with one)', function () {
      const word = Buffer.from([0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0x00]);
      decodeChunks(chunksOf(encodeRawSentence([word]), 1)).sentences.should.eql([[word]]);
    });
  });

  describe('big words and work done', function () {
    it('decodes a word over 0x200000 bytes fed in 64 KiB chunks, joining it once', function () {
      const big = bytesOf(0x200000 + 0x1234);
      const sentence = [Buffer.from('!re'), big, Buffer.from('.tag=1')];
      const stream = encodeRawSentence(sentence);
      const chunks = chunksOf(stream, 64 * 1024);
      chunks.length.should.be.above(32);
      let got;
      const stats = instrumentBuffers(() => {
        got = decodeChunks(chunks);
      });
      should(got.error).be.null();
      got.sentences.length.should.equal(1);
      got.sentences[0].length.should.equal(3);
      got.sentences[0][1].equals(big).should.be.true();
      got.sentences[0][2].toString().should.equal('.tag=1');
      // One join of the collected chunks, not one per chunk (which would copy ~33 × 2 MiB).
      stats.concatCalls.should.be.belowOrEqual(2);
      stats.concatBytes.should.be.belowOrEqual(2 * stream.length);
    });

    it('keeps a partly received big word without copying it per chunk', function () {
      const stream = encodeRawSentence([bytesOf(0x200000)]);
      const decoder = new SentenceDecoder(() => {});
      let pushed = 0;
      const stats = instrumentBuffers(() => {
        for (const chunk of chunksOf(stream.subarray(0, stream.length - 2), 64 * 1024)) {
          decoder.push(chunk);
          pushed += chunk.length;
          decoder.bufferedBytes.should.equal(pushed);
        }
      });
      stats.concatCalls.should.equal(0);
    });

    it('finishes a sentence of 10k small words fed one byte at a time with work linear in the words', function () {
      const words = ['!re'];
      for (let i = 0; i < 10000; i++) words.push(`=k${i}=v`);
      const stream = encodeSentence(words);
      let got;
      const stats = instrumentBuffers(() => {
        got = decodeChunks(chunksOf(stream, 1));
      });
      should(got.error).be.null();
      got.sentences.length.should.equal(1);
      text(got.sentences)[0].should.eql(words);
      // Bytes of an unfinished word are only collected; a join happens when a prefix or a word
      // completes, so at most two per word, never one per byte.
      stats.concatCalls.should.be.belowOrEqual(2 * words.length + 2);
    });

    it('copies a sentence arriving in many small chunks a bounded number of times (linear, not quadratic)', function () {
      const words = ['!re'];
      for (let i = 0; i < 10000; i++) words.push(`=k${i}=v`);
      const stream = encodeSentence(words);
      for (const size of [1, 7, 1460]) {
        const decoder = new SentenceDecoder(() => undefined);
        for (const chunk of chunksOf(stream, size)) decoder.push(chunk);
        decoder.copiedBytes.should.be.belowOrEqual(4 * stream.length);
        decoder.bufferedBytes.should.equal(0);
      }
    });

    it('applies maxWordLength to words with a one-byte prefix too', function () {
      const decoder = new SentenceDecoder(() => undefined, { maxWordLength: 4 });
      (() => decoder.push(encodeSentence(['hello-world']))).should.throw({ code: 'EWORDTOOLONG' });
    });

    it('resumes at the unfinished word instead of rescanning the sentence from its start', function () {
      // White-box probe: the decoder reads each multi-byte prefix through length.prefixSizeFromFirstByte.
      // A decoder that rescans from the sentence start would call it O(words²) times here.
      const words = Array.from({ length: 1000 }, (_, i) => bytesOf(0x80, i));
      const stream = encodeRawSentence(words);
      const original = lengthModule.prefixSizeFromFirstByte;
      let calls = 0;
      lengthModule.prefixSizeFromFirstByte = function (first) {
        calls++;
        return original(first);
      };
      let got;
      try {
        got = decodeChunks(chunksOf(stream, 1));
      } finally {
        lengthModule.prefixSizeFromFirstByte = original;
      }
      should(got.error).be.null();
      got.sentences.should.eql([words]);
      calls.should.be.above(0, 'the decoder no longer calls length.prefixSizeFromFirstByte: update this probe');
      calls.should.be.belowOrEqual(4 * words.length + 16);
    });
  });

  describe('limits', function () {
    it('exports a 64 MiB default maximum word length', function () {
      DEFAULT_MAX_WORD_LENGTH.should.equal(64 * 1024 * 1024);
    });

    it('accepts a word of exactly maxWordLength bytes', function () {
      const word = bytesOf(0x100);
      decodeChunks([encodeRawSentence([word])], { maxWordLength: 0x100 }).sentences.should.eql([[word]]);
    });

    it('fails with EWORDTOOLONG as soon as the prefix of a longer word arrives, after earlier sentences', function () {
      const sentences = [];
      const decoder = new SentenceDecoder((s) => sentences.push(rawSentenceWords(s)), { maxWordLength: 0x100 });
      const good = encodeSentence(['!re', '=a=b']);
      const err = expectProtocolError(
        () => decoder.push(Buffer.concat([good, encodeLength(0x101)])), // no word bytes yet
        'EWORDTOOLONG',
      );
      err.message.should.match(/257/);
      text(sentences).should.eql([['!re', '=a=b']]);
      decoder.bufferedBytes.should.equal(0);
      // The stream cannot be resynchronised: every later push rethrows the same error.
      should(() => decoder.push(good)).throw(err);
      should(() => decoder.push(Buffer.alloc(0))).throw(err);
      sentences.length.should.equal(1);
    });

    it('applies the default maximum: a prefix announcing 64 MiB + 1 fails at once', function () {
      expectProtocolError(
        () => new SentenceDecoder(() => {}).push(encodeLength(DEFAULT_MAX_WORD_LENGTH + 1)),
        'EWORDTOOLONG',
      );
      expectProtocolError(() => new SentenceDecoder(() => {}).push(encodeLength(0x0fffffff)), 'EWORDTOOLONG');
      const decoder = new SentenceDecoder(() => {});
      decoder.push(Buffer.concat([encodeLength(DEFAULT_MAX_WORD_LENGTH), Buffer.from('abc')]));
      decoder.bufferedBytes.should.equal(4 + 3);
    });

    for (const [label, declared] of [
      ['0x0FFFFFFF (four-byte prefix)', 0x0fffffff],
      ['0xFFFFFFFF (five-byte prefix)', 0xffffffff],
    ]) {
      it(`does not allocate up front for a declared length of ${label}`, function () {
        const decoder = new SentenceDecoder(
          () => {
            throw new Error('no sentence expected');
          },
          { maxWordLength: 0xffffffff },
        );
        let pushed = 0;
        const stats = instrumentBuffers(() => {
          const first = Buffer.concat([encodeLength(declared), bytesOf(3)]);
          decoder.push(first);
          pushed += first.length;
          for (let i = 0; i < 200; i++) {
            decoder.push(bytesOf(100, i));
            pushed += 100;
          }
        });
        decoder.bufferedBytes.should.equal(pushed);
        pushed.should.be.below(32 * 1024);
        stats.largestAllocation.should.be.below(1024 * 1024);
      });
    }
  });

  describe('errors and reset', function () {
    for (let b = 0xf8; b <= 0xff; b++) {
      it(`fails with ECONTROLBYTE on 0x${b.toString(16)} where a word starts mid-stream`, function () {
        const stream = Buffer.concat([
          encodeSentence(['!done']),
          encodeSentence(['!re']).subarray(0, 4),
          Buffer.from([b, 1, 2]),
        ]);
        for (const chunks of [[stream], chunksOf(stream, 1), chunksOf(stream, 3)]) {
          const got = decodeChunks(chunks);
          should.exist(got.error);
          got.error.should.be.instanceOf(ProtocolError);
          got.error.code.should.equal('ECONTROLBYTE');
          text(got.sentences).should.eql([['!done']]);
          should(() => got.decoder.push(encodeSentence(['!done']))).throw(got.error);
        }
      });
    }

    it('works again after reset() following an error', function () {
      const sentences = [];
      const decoder = new SentenceDecoder((s) => sentences.push(rawSentenceWords(s)));
      expectProtocolError(() => decoder.push(Buffer.from([0x03, 0x21, 0x72, 0x65, 0xff])), 'ECONTROLBYTE');
      decoder.reset();
      decoder.bufferedBytes.should.equal(0);
      decoder.push(encodeSentence(['!done', '.tag=2']));
      text(sentences).should.eql([['!done', '.tag=2']]);
    });

    it('drops an unfinished sentence on reset()', function () {
      const sentences = [];
      const decoder = new SentenceDecoder((s) => sentences.push(rawSentenceWords(s)));
      const half = encodeRawSentence([Buffer.from('!re'), Buffer.from('=name=half'), bytesOf(0x90)]);
      decoder.push(half.subarray(0, half.length - 20));
      decoder.bufferedBytes.should.be.above(0);
      decoder.reset();
      decoder.bufferedBytes.should.equal(0);
      decoder.push(encodeSentence(['!done']));
      text(sentences).should.eql([['!done']]);
    });
  });

  describe('the reused RawSentence', function () {
    it('passes the same object for every sentence, with spans into its buffer', function () {
      const seen = [];
      const decoder = new SentenceDecoder((raw) => {
        const words = [];
        for (let i = 0; i < raw.count; i++) words.push(raw.buffer.toString('latin1', raw.starts[i], raw.ends[i]));
        seen.push({ raw, words, count: raw.count });
      });
      decoder.push(Buffer.concat([encodeSentence(['!re', '=a=1', '=b=2']), encodeSentence(['!done'])]));
      seen.length.should.equal(2);
      seen[0].raw.should.equal(seen[1].raw); // the very same object
      seen[0].words.should.eql(['!re', '=a=1', '=b=2']);
      seen[0].count.should.equal(3);
      seen[1].words.should.eql(['!done']);
      // After the callback it no longer describes the first sentence: read what you need inside it.
      seen[0].raw.count.should.not.equal(3);
    });

    it('rawSentenceWords copies: the copies survive later sentences and a caller reusing its chunk', function () {
      const copies = [];
      const decoder = new SentenceDecoder((raw) => {
        const words = rawSentenceWords(raw);
        words[0].fill(0x21); // writing to a copy must not reach the decoder's buffer
        raw.buffer.toString('latin1', raw.starts[0], raw.ends[0]).should.not.match(/^!+$/);
        copies.push(rawSentenceWords(raw));
      });
      const chunk = Buffer.concat([encodeSentence(['!re', '=name=one']), encodeSentence(['!re', '=name=two'])]);
      decoder.push(chunk);
      chunk.fill(0); // e.g. a pooled read buffer being reused
      decoder.push(encodeSentence(['!done']));
      text(copies).should.eql([['!re', '=name=one'], ['!re', '=name=two'], ['!done']]);
    });
  });
});
