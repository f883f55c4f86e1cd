'use strict';

// Shared fast-check arbitraries and properties for the protocol layer. Used by the short run in
// test/protocol-fuzz.test.js (and the round trip in test/protocol-decoder.test.js) and by the long
// run in scripts/fuzz.js, so both check exactly the same things.
//
// The main check is differential: every stream (random bytes, or valid replies with mutations) is
// fed to SentenceDecoder in random chunks and compared with `referenceDecode`, a plain
// whole-buffer decoder written from PROTOCOL-NOTES.md. They must agree on the sentences, on the
// error code and on the bytes left over; push must fail only with ProtocolError; parseReply must
// digest every sentence the decoder produces.

const fc = require('fast-check');
const {
  SentenceDecoder,
  ProtocolError,
  DEFAULT_MAX_WORD_LENGTH,
  encodeRawSentence,
  parseReply,
  rawSentenceWords,
  TEXT_ENCODINGS,
} = require('../../dist/protocol');

const REPLY_TYPES = ['!re', '!done', '!trap', '!fatal', '!empty', 'unknown'];
const TAG_PREFIX = Buffer.from('.tag=', 'latin1');

// ---------------------------------------------------------------------------------------------
// Helpers

/** The bytes of a stream of sentences, each sentence an array of non-empty byte arrays. */
function encodeStream(sentences) {
  return Buffer.concat(sentences.map((words) => encodeRawSentence(words)));
}

/** Splits `buf` at the given cut points (any naturals, taken modulo length + 1). */
function splitAt(buf, cuts) {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const chunks = [];
  let from = 0;
  for (const p of points) {
    if (p > from) chunks.push(buf.subarray(from, p));
    from = Math.max(from, p);
  }
  if (from < buf.length) chunks.push(buf.subarray(from));
  return chunks;
}

/** Splits `buf` into chunks of `size` bytes. */
function chunksOf(buf, size) {
  const chunks = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return chunks;
}

/**
 * Feeds chunks to a fresh SentenceDecoder. Returns the sentences (copied out as Buffer arrays),
 * the error push threw (or null), and the decoder.
 */
function decodeChunks(chunks, options) {
  const sentences = [];
  const decoder = new SentenceDecoder((s) => sentences.push(rawSentenceWords(s)), options);
  let error = null;
  for (const chunk of chunks) {
    try {
      decoder.push(chunk);
    } catch (err) {
      error = err;
      break;
    }
  }
  return { sentences, error, decoder };
}

/**
 * A straightforward whole-buffer decoder, independent of src/protocol: the oracle. Returns the
 * complete sentences, the error code the stream must produce (or null), and `pending`, the bytes
 * of the unfinished sentence at the end (what the decoder has to keep).
 */
function referenceDecode(bytes, maxWordLength = DEFAULT_MAX_WORD_LENGTH) {
  const sentences = [];
  let words = [];
  let pos = 0;
  let sentenceStart = 0;
  const n = bytes.length;
  while (pos < n) {
    const b = bytes[pos];
    let size;
    if (b < 0x80) size = 1;
    else if (b < 0xc0) size = 2;
    else if (b < 0xe0) size = 3;
    else if (b < 0xf0) size = 4;
    else if (b < 0xf8) size = 5;
    else return { sentences, error: 'ECONTROLBYTE', pending: 0 };
    if (pos + size > n) break;
    let length;
    if (size === 1) length = b;
    else if (size === 2) length = (b & 0x3f) * 0x100 + bytes[pos + 1];
    else if (size === 3) length = (b & 0x1f) * 0x10000 + bytes[pos + 1] * 0x100 + bytes[pos + 2];
    else if (size === 4) {
      length = (b & 0x0f) * 0x1000000 + bytes[pos + 1] * 0x10000 + bytes[pos + 2] * 0x100 + bytes[pos + 3];
    } else {
      length = bytes[pos + 1] * 0x1000000 + bytes[pos + 2] * 0x10000 + bytes[pos + 3] * 0x100 + bytes[pos + 4];
    }
    if (length > maxWordLength) return { sentences, error: 'EWORDTOOLONG', pending: 0 };
    if (length === 0) {
      pos += size;
      if (words.length > 0) sentences.push(words);
      words = [];
      sentenceStart = pos;
      continue;
    }
    if (pos + size + length > n) break;
    words.push(Buffer.from(bytes.subarray(pos + size, pos + size + length)));
    pos += size + length;
  }
  return { sentences, error: null, pending: n - sentenceStart };
}

/** Throws unless `actual` and `expected` (arrays of arrays of byte arrays) hold the same bytes. */
function assertSameSentences(actual, expected) {
  const show = (ss) => JSON.stringify(ss.map((ws) => ws.map((w) => Buffer.from(w).toString('hex'))));
  const a = show(actual);
  const e = show(expected);
  if (a !== e) throw new Error(`decoded sentences differ\n  actual:   ${a}\n  expected: ${e}`);
}

function fail(message) {
  throw new Error(message);
}

/** Checks one parsed reply against the words it came from. */
function checkReply(reply, words) {
  if (!REPLY_TYPES.includes(reply.type)) fail(`unexpected reply type ${reply.type}`);
  if (typeof reply.word !== 'string') fail('reply word is not a string');
  if (reply.tag !== undefined && typeof reply.tag !== 'string') fail('tag is neither undefined nor a string');
  if (Object.getPrototypeOf(reply.attributes) !== Object.prototype) fail('attributes lost their prototype');
  if (!Array.isArray(reply.extra) || reply.extra.some((x) => typeof x !== 'string')) fail('extra is not strings');
  // Every '=' word shows up as an own attribute (also `__proto__`), and nothing else does.
  const names = new Set();
  let extras = 0;
  for (const w of words.slice(1)) {
    if (w[0] === 0x3d) {
      const eq = w.indexOf(0x3d, 1);
      names.add(w.toString('latin1', 1, eq < 0 ? w.length : eq));
    } else if (!w.subarray(0, 5).equals(TAG_PREFIX)) {
      extras++;
    }
  }
  const keys = Object.keys(reply.attributes);
  if (keys.length !== names.size || !keys.every((k) => names.has(k))) {
    fail(`attribute names ${JSON.stringify(keys)}, words name ${JSON.stringify([...names])}`);
  }
  for (const key of keys) {
    if (typeof reply.attributes[key] !== 'string') fail(`attribute ${key} is not a string`);
  }
  if (reply.extra.length !== extras) fail(`${reply.extra.length} extra words, expected ${extras}`);
}

/**
 * The core fuzz check. Feeds `bytes` in the chunks given by `cuts` and verifies:
 * - push returns or throws a ProtocolError, nothing else, and never the internal EDECODER wrap;
 * - once it threw, every later push throws the same error;
 * - bufferedBytes never exceeds the bytes pushed so far;
 * - the sentences, the error code and the final bufferedBytes equal the reference decoder's;
 * - parseReply (both encodings) never throws anything but ProtocolError on a produced sentence,
 *   and returns a well-formed reply;
 * - nothing reaches Object.prototype.
 */
function checkStream(bytes, cuts, maxWordLength) {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();
  const options = maxWordLength === undefined ? {} : { maxWordLength };
  const sentences = [];
  let callbackFailure;
  const decoder = new SentenceDecoder((raw) => {
    try {
      const words = rawSentenceWords(raw);
      sentences.push(words);
      for (const encoding of TEXT_ENCODINGS) {
        try {
          checkReply(parseReply(raw, encoding), words);
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
        }
      }
    } catch (err) {
      // Kept aside: the decoder would wrap a callback failure into a ProtocolError.
      callbackFailure = callbackFailure || err;
    }
  }, options);

  let pushed = 0;
  let error = null;
  for (const chunk of splitAt(bytes, cuts)) {
    pushed += chunk.length;
    try {
      decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof ProtocolError)) fail(`push threw a non-ProtocolError: ${err && err.stack}`);
      error = err;
      break;
    }
    if (decoder.bufferedBytes > pushed) fail(`bufferedBytes ${decoder.bufferedBytes} > pushed ${pushed}`);
  }
  if (callbackFailure) throw callbackFailure;
  if (error) {
    if (error.code === 'EDECODER') fail(`decoder failed internally: ${error.message}`);
    let again;
    try {
      decoder.push(Buffer.from([0]));
    } catch (err) {
      again = err;
    }
    if (again !== error) fail('a failed decoder accepted more input or threw a different error');
  }

  const expected = referenceDecode(bytes, maxWordLength);
  assertSameSentences(sentences, expected.sentences);
  const code = error ? error.code : null;
  if (code !== expected.error) fail(`error code ${code}, reference says ${expected.error}`);
  if (!error && decoder.bufferedBytes !== expected.pending) {
    fail(`bufferedBytes ${decoder.bufferedBytes}, reference keeps ${expected.pending}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).join() !== prototypeKeys) {
    fail('Object.prototype was changed');
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const ascii = (s) => Buffer.from(s, 'latin1');

/** Bytes that steer a length prefix into each form, the control bytes and reply syntax. */
const interestingByte = fc.oneof(
  { arbitrary: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xdf, 0xe0, 0xef, 0xf0, 0xf7), weight: 4 },
  { arbitrary: fc.integer({ min: 0xf8, max: 0xff }), weight: 1 },
  { arbitrary: fc.constantFrom(0x3d, 0x21, 0x2e), weight: 1 }, // '=', '!', '.'
  { arbitrary: fc.integer({ min: 0, max: 0xff }), weight: 3 },
);

const textWord = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 24 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), // lone surrogates too
  )
  .map((s) => Buffer.from(s, 'utf8'));
const binaryWord = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((a) => Buffer.from(a));

const name = fc.oneof(
  fc.constantFrom('name', '.id', 'ret', 'message', 'category', '.section', '__proto__', 'constructor', 'x', ''),
  fc.string({ maxLength: 8 }),
);
const value = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('', '=', 'a=b', '==', '*1', 'true'));
const attributeWord = fc.oneof(
  fc.tuple(name, value).map(([n, v]) => Buffer.from(`=${n}=${v}`, 'utf8')),
  name.map((n) => Buffer.from(`=${n}`, 'utf8')), // no second '='
  value.map((v) => Buffer.from(`.tag=${v}`, 'utf8')),
  fc.constantFrom('.tag', '=.tag=1', '.tagx=2').map(ascii),
);

/** Words whose lengths sit at or next to the 1/2 and 2/3-byte prefix boundaries. */
const longWord = fc
  .tuple(
    fc.constantFrom(0x7e, 0x7f, 0x80, 0x81, 0xff, 0x3ffe, 0x3fff, 0x4000, 0x4001),
    fc.integer({ min: 0, max: 255 }),
  )
  .map(([length, fill]) => Buffer.alloc(length, fill));

const word = fc.oneof(
  { arbitrary: binaryWord, weight: 4 },
  { arbitrary: textWord, weight: 3 },
  { arbitrary: attributeWord, weight: 3 },
  { arbitrary: longWord, weight: 1 },
);

const replyWord = fc
  .constantFrom('!re', '!done', '!trap', '!fatal', '!empty', '!unknown', '/interface/print')
  .map(ascii);

/** A sentence: either reply-shaped (reply word, then attributes/tag) or arbitrary words. */
const sentence = fc.oneof(
  fc
    .tuple(
      replyWord,
      fc.array(fc.oneof({ arbitrary: attributeWord, weight: 3 }, { arbitrary: word, weight: 1 }), { maxLength: 6 }),
    )
    .map(([first, rest]) => [first, ...rest]),
  fc.array(word, { minLength: 1, maxLength: 6 }),
);

const sentences = fc.array(sentence, { maxLength: 6, size: 'medium' });

/** Cut points for splitting a stream into chunks (see splitAt). */
const cuts = fc.oneof(
  fc.array(fc.nat(), { maxLength: 24, size: 'medium' }),
  // Many small chunks now and then.
  fc.integer({ min: 1, max: 7 }).map((step) => Array.from({ length: 64 }, (_, i) => (i + 1) * step)),
);

/**
 * The maximum word length given to the decoder: mostly the default, sometimes small (one-byte
 * prefixes included) so that random prefixes hit EWORDTOOLONG.
 */
const maxWordLength = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 0x5000 }), weight: 2 },
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set'), at: fc.nat(), byte: interestingByte }),
  fc.record({
    kind: fc.constant('insert'),
    at: fc.nat(),
    bytes: fc.array(interestingByte, { minLength: 1, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('delete'), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('duplicate'), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
);

/** Applies mutations in order; positions are taken modulo the current length. */
function mutate(buf, mutations) {
  let bytes = Array.from(buf);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + (m.kind === 'insert' ? 1 : 0));
    switch (m.kind) {
      case 'flip':
        if (bytes.length > 0) bytes[at] ^= 1 << m.bit;
        break;
      case 'set':
        if (bytes.length > 0) bytes[at] = m.byte;
        break;
      case 'insert':
        bytes.splice(at, 0, ...m.bytes);
        break;
      case 'delete':
        bytes.splice(at, m.count);
        break;
      case 'duplicate':
        bytes.splice(at, 0, ...bytes.slice(at, at + m.count));
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
    }
  }
  return Buffer.from(bytes);
}

/**
 * Byte soup that reaches deeper than plain noise (which mostly stops at the first bad prefix):
 * short well-formed words, terminators, interesting bytes and noise, concatenated.
 */
const tokenSoup = fc
  .array(
    fc.oneof(
      { arbitrary: fc.uint8Array({ maxLength: 12 }).map((a) => [a.length, ...a]), weight: 6 },
      { arbitrary: fc.constant([0]), weight: 3 },
      { arbitrary: fc.array(interestingByte, { minLength: 1, maxLength: 3 }), weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 8 }).map((a) => Array.from(a)), weight: 1 },
    ),
    { maxLength: 60, size: 'max' },
  )
  .map((tokens) => Buffer.from(tokens.flat()));

const arbitraries = { word, sentence, sentences, cuts, maxWordLength, mutation, interestingByte, longWord, tokenSoup };

// ---------------------------------------------------------------------------------------------
// Properties. Each is a factory so a caller gets a fresh fc.property.

const properties = {
  /** Valid streams survive any split: decoded words equal the encoded ones, nothing is left. */
  roundTrip: () =>
    fc.property(sentences, cuts, (ss, cs) => {
      const stream = encodeStream(ss);
      const { sentences: got, error, decoder } = decodeChunks(splitAt(stream, cs));
      if (error) throw error;
      assertSameSentences(got, ss);
      if (decoder.bufferedBytes !== 0) fail(`bufferedBytes ${decoder.bufferedBytes} after complete sentences`);
    }),

  /** Random bytes in random chunks: plain noise, or a soup of word-like tokens and noise. */
  arbitraryBytes: () =>
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 256, size: 'max' }).map((a) => Buffer.from(a)),
        tokenSoup,
      ),
      cuts,
      maxWordLength,
      (bytes, cs, max) => checkStream(bytes, cs, max),
    ),

  /** Valid reply streams with a few flips, insertions, deletions, duplications or a truncation. */
  mutatedStreams: () =>
    fc.property(sentences, fc.array(mutation, { minLength: 1, maxLength: 4 }), cuts, maxWordLength, (ss, ms, cs, max) =>
      checkStream(mutate(encodeStream(ss), ms), cs, max),
    ),
};

module.exports = {
  arbitraries,
  properties,
  encodeStream,
  splitAt,
  chunksOf,
  decodeChunks,
  referenceDecode,
  assertSameSentences,
  checkStream,
  mutate,
};
