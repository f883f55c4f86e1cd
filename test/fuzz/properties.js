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
  decodeText,
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

/** Checks one parsed reply (decoded with `encoding`) against the words it came from. */
function checkReply(reply, words, encoding) {
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
      // Names are decoded like values, with the reply's text encoding.
      names.add(decodeText(w, 1, eq < 0 ? w.length : eq, encoding));
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
          checkReply(parseReply(raw, encoding), words, encoding);
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

// =============================================================================================
// Client level. The same kinds of byte streams, now fed to a RouterOSClient over a fake Duplex
// (faster than sockets, and a 'data' handler that throws shows up right here instead of as an
// uncaught exception). The properties are asynchronous: a case ends once the client has closed.

const { Duplex } = require('node:stream');
const { RouterOSClient, RouterOSError, TrapError, InputError } = require('../../dist/client');
const { encodeSentence } = require('../../dist/protocol');

/** Tags the generated replies use: the client's own first tags, the explicit ones, and strangers. */
const AUTO_TAGS = ['1', '2', '3', '4', '5', '6', '7', '8'];
const EXPLICIT_TAGS = ['a', 'b', 'watch'];

/** A Duplex that records what the client writes; bytes reach the client via emit('data'). */
function fakeSocket() {
  const written = [];
  const socket = new Duplex({
    read() {},
    write(chunk, _encoding, callback) {
      written.push(Buffer.from(chunk));
      callback();
    },
  });
  return { socket, written };
}

/** The sentences the client wrote, as arrays of strings. */
function writtenSentences(written) {
  const out = [];
  const decoder = new SentenceDecoder((raw) => out.push(rawSentenceWords(raw).map((w) => w.toString('utf8'))));
  for (const chunk of written) decoder.push(chunk);
  return out;
}

/**
 * Records 'unhandledRejection' events while installed. Only for tests and the fuzz script: the
 * pack itself never installs a process-wide handler (test/reliability/security.test.js checks).
 */
function watchUnhandledRejections() {
  const records = [];
  const listener = (reason) => records.push(reason);
  process.on('unhandledRejection', listener);
  return { records, stop: () => process.off('unhandledRejection', listener) };
}

/** Resolves after `n` turns of the event loop (each one lets nextTick, microtasks and I/O run). */
async function turns(n) {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Starts tracking a promise: `state.settled`, `state.value`, `state.error`. */
function track(promise) {
  const state = { settled: false, value: undefined, error: undefined };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** Error codes that mean a bug in the client or decoder rather than a bad stream. */
const INTERNAL_CODES = ['EINTERNAL', 'EDECODER'];

/** Only RouterOSError (or what a flow's own onRow threw) may come out of the client, never an internal one. */
function checkClientError(error, allowed, where) {
  if (allowed.includes(error)) return;
  if (!(error instanceof RouterOSError)) {
    fail(`${where} rejected with something other than a RouterOSError: ${error && error.stack ? error.stack : error}`);
  }
  if (INTERNAL_CODES.includes(error.code)) fail(`${where} failed internally: ${error.message}`);
}

const replyTag = fc.oneof(
  { arbitrary: fc.constantFrom(...AUTO_TAGS.slice(0, 4)), weight: 6 },
  { arbitrary: fc.constantFrom(...EXPLICIT_TAGS), weight: 3 },
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.string({ maxLength: 4 }), weight: 1 },
);

/** A reply-shaped sentence for the client: reply word, attributes, often a tag of a pending call. */
const clientSentence = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.constantFrom('!re', '!done', '!trap', '!empty'), weight: 12 },
      { arbitrary: fc.constantFrom('!fatal', '!unknown', 'HTTP/1.1', ''), weight: 1 },
    ),
    fc.array(fc.tuple(name, value), { maxLength: 4 }),
    replyTag,
    fc.array(word, { maxLength: 1 }),
  )
  .map(([type, attrs, tag, extra]) => {
    const words = [Buffer.from(type || '!re', 'utf8')];
    for (const [n, v] of attrs) words.push(Buffer.from(`=${n}=${v}`, 'utf8'));
    for (const w of extra) words.push(w);
    if (tag !== undefined) words.push(Buffer.from(`.tag=${tag}`, 'utf8'));
    return words;
  });

/** The bytes a chaotic router sends: valid replies, mutated replies, or token soup. */
const clientBytes = fc.oneof(
  { arbitrary: fc.array(clientSentence, { maxLength: 10 }).map(encodeStream), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.array(clientSentence, { maxLength: 10 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([ss, ms]) => mutate(encodeStream(ss), ms)),
    weight: 3,
  },
  { arbitrary: tokenSoup, weight: 1 },
);

/** What the flow asks of the client before the bytes arrive. */
const clientOp = fc.oneof(
  fc.record({ kind: fc.constant('call'), tag: fc.constantFrom(undefined, undefined, ...EXPLICIT_TAGS) }),
  fc.record({
    kind: fc.constant('stream'),
    tag: fc.constantFrom(undefined, ...EXPLICIT_TAGS),
    throwAt: fc.integer({ min: -1, max: 3 }),
    // A flow may never look at `done`: its rejection must not count as unhandled.
    observe: fc.boolean(),
  }),
);

/** A cancel issued between two chunks, aimed at one of the ops (by index) or at a stranger. */
const cancelStep = fc.record({ at: fc.nat(), target: fc.oneof(fc.nat(), fc.constant(-1)) });

/** How the connection ends. */
const ending = fc.constantFrom('end', 'reset', 'close', 'destroy');

/** Feeds chunks to the client; anything thrown out of its 'data' handler is a failure. */
function feed(socket, chunk) {
  try {
    socket.emit('data', chunk);
  } catch (err) {
    fail(`an exception escaped the client's data handler: ${err && err.stack ? err.stack : err}`);
  }
}

function endConnection(client, socket, how) {
  switch (how) {
    case 'end':
      socket.emit('end');
      break;
    case 'reset':
      socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      break;
    case 'close':
      void client.close();
      break;
    default:
      socket.destroy();
  }
}

/** Waits (a bounded number of loop turns) for the client's 'close'; fails if it never comes. */
async function awaitClose(client, closed) {
  for (let i = 0; i < 50 && !closed.happened; i++) await turns(1);
  if (!closed.happened) fail('the client did not close after its connection ended');
}

function checkNoUnhandled(unhandled) {
  if (unhandled && unhandled.length > 0) {
    const reason = unhandled[0];
    fail(`unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`);
  }
}

/**
 * The chaos check at client level: any reply stream (valid, mutated, noise), split anywhere, with
 * calls, streams (some of whose onRow throw) and cancels in flight, then the connection ends.
 * - nothing escapes the socket callbacks; nothing rejects unhandled;
 * - while the connection is open, every unsettled call is still in the tag table (so a close
 *   or its timeout will settle it), and the decoder holds no more than what was pushed;
 * - once the connection ends, every call, stream and cancel has settled, within a few loop turns,
 *   each rejection a RouterOSError (or the flow's own onRow exception);
 * - a closed client refuses new calls with a rejected promise, never a throw.
 */
async function checkClientChaos({ authenticated, maxWordLength, ops, bytes, cs, cancels, how }, unhandled) {
  const { socket } = fakeSocket();
  const options = maxWordLength === undefined ? {} : { maxWordLength };
  const client = new RouterOSClient(socket, { ...options, label: 'fuzz' });
  if (authenticated) client.markAuthenticated();
  const closed = { happened: false, error: undefined };
  client.once('close', (error) => Object.assign(closed, { happened: true, error }));

  const userErrors = [];
  const started = [];
  for (const op of ops) {
    const tag = op.tag;
    if (tag !== undefined && client.tags.includes(tag)) {
      // A tag in flight: the client refuses it at once, as an InputError.
      let thrown;
      try {
        if (op.kind === 'call') await client.call('/interface/print', undefined, { tag });
        else client.stream('/interface/listen', undefined, { tag, onRow() {} });
      } catch (err) {
        thrown = err;
      }
      if (!(thrown instanceof InputError) || thrown.code !== 'ETAGINUSE') fail(`tag ${tag} reused: ${thrown}`);
      continue;
    }
    if (op.kind === 'call') {
      const promise = client.call('/interface/print', undefined, tag === undefined ? {} : { tag });
      started.push({ tag: client.tags[client.tags.length - 1], state: track(promise) });
    } else {
      let rows = 0;
      const handle = client.stream('/interface/listen', undefined, {
        tag,
        onRow() {
          if (rows++ === op.throwAt) {
            const err = new Error('flow bug');
            userErrors.push(err);
            throw err;
          }
        },
      });
      started.push({ tag: handle.tag, state: op.observe ? track(handle.done) : undefined });
    }
  }

  const chunks = splitAt(bytes, cs);
  const cancelsAt = new Map();
  for (const c of cancels) {
    const at = c.at % (chunks.length + 1);
    cancelsAt.set(at, [...(cancelsAt.get(at) || []), c]);
  }
  const cancelStates = [];
  let pushed = 0;
  for (let i = 0; i <= chunks.length; i++) {
    for (const c of cancelsAt.get(i) || []) {
      const tag = c.target >= 0 && started.length > 0 ? started[c.target % started.length].tag : 'stranger';
      cancelStates.push(track(client.cancel(tag)));
    }
    if (i === chunks.length) break;
    pushed += chunks[i].length;
    feed(socket, chunks[i]);
    if (!client.closed) {
      const tags = client.tags;
      for (const s of started) {
        if (s.state && !s.state.settled && !tags.includes(s.tag)) {
          // Settlement is a few microtasks away; the entry must have been settled by then.
          for (let k = 0; k < 8 && !s.state.settled; k++) await Promise.resolve();
          if (!s.state.settled) fail(`call ${s.tag} is neither settled nor in the tag table`);
        }
      }
      if (client.decoder.bufferedBytes > pushed) fail(`decoder holds ${client.decoder.bufferedBytes} > ${pushed}`);
    }
  }

  await turns(1);
  endConnection(client, socket, how);
  await awaitClose(client, closed);
  await turns(2);

  if (!(closed.error instanceof RouterOSError)) fail(`close reported ${closed.error}`);
  if (INTERNAL_CODES.includes(closed.error.code)) fail(`the client failed internally: ${closed.error.message}`);
  for (const s of started) {
    if (!s.state) continue; // unobserved stream: the empty tag table below shows it ended
    if (!s.state.settled) fail(`call ${s.tag} never settled after the connection ended`);
    if (s.state.error !== undefined) checkClientError(s.state.error, userErrors, `call ${s.tag}`);
  }
  for (const c of cancelStates) {
    if (!c.settled) fail('a cancel never settled after the connection ended');
    if (c.error !== undefined) checkClientError(c.error, [], 'cancel');
  }
  if (client.pendingCount !== 0) fail(`${client.pendingCount} entries left in the tag table after close`);
  const after = track(client.call('/system/identity/print'));
  await Promise.resolve();
  await Promise.resolve();
  if (!after.settled || !(after.error instanceof RouterOSError)) fail('a call on a closed client did not reject');
  checkNoUnhandled(unhandled);
}

/**
 * The model check: valid replies for the calls in flight (rows, traps, !empty, !done with
 * =ret=, interleaved between calls, plus replies for tags nobody asked about), in random
 * chunks. Each call must end exactly as the protocol says: its own rows in order, TrapError for
 * the first !trap, `empty` on !empty, the !done attributes; strangers go to 'unexpected'.
 */
const modelName = fc.stringMatching(/^[a-z][a-z0-9.-]{0,7}$/);
const modelRow = fc.uniqueArray(fc.tuple(modelName, fc.string({ unit: 'grapheme', maxLength: 12 })), {
  maxLength: 4,
  selector: ([n]) => n,
});
const modelCall = fc.record({
  stream: fc.boolean(),
  tag: fc.constantFrom(undefined, ...EXPLICIT_TAGS),
  rows: fc.array(modelRow, { maxLength: 4 }),
  traps: fc.array(fc.record({ message: fc.option(fc.string({ maxLength: 12 })), category: fc.nat(7) }), {
    maxLength: 2,
  }),
  empty: fc.boolean(),
  ret: fc.option(fc.string({ maxLength: 8 })),
});

async function checkClientModel({ calls, strangers, picks, cs }, unhandled) {
  const { socket } = fakeSocket();
  const client = new RouterOSClient(socket, { label: 'model' });
  client.markAuthenticated();
  const unexpected = [];
  client.on('unexpected', (reply) => unexpected.push(reply));

  const live = [];
  for (const call of calls) {
    if (call.tag !== undefined && client.tags.includes(call.tag)) continue;
    const received = [];
    let state;
    if (call.stream) {
      const handle = client.stream('/interface/listen', undefined, {
        tag: call.tag,
        onRow: (row, tag) => received.push([tag, row]),
      });
      state = track(handle.done);
    } else {
      state = track(client.call('/interface/print', undefined, call.tag === undefined ? {} : { tag: call.tag }));
    }
    const tag = client.tags[client.tags.length - 1];
    const sentences = [
      ...call.rows.map((row) => ['!re', ...row.map(([n, v]) => `=${n}=${v}`)]),
      ...call.traps.map((t) => [
        '!trap',
        `=category=${t.category}`,
        ...(t.message === null ? [] : [`=message=${t.message}`]),
      ]),
      ...(call.empty ? [['!empty']] : []),
    ];
    // Order inside one call: rows, traps, !empty, then !done; calls interleave below.
    sentences.push(['!done', ...(call.ret === null ? [] : [`=ret=${call.ret}`])]);
    live.push({ call, tag, state, received, queue: sentences.map((w) => [...w, `.tag=${tag}`]) });
  }
  const strangerSentences = strangers.map((type) => [type, '=x=1', '.tag=nobody']);

  // Interleave the calls' sentences (each call's own order kept) and the strangers'.
  const queues = [...live.map((l) => l.queue.slice()), strangerSentences.slice()];
  const order = [];
  let p = 0;
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    order.push(open[(picks[p++ % Math.max(1, picks.length)] || 0) % open.length].shift());
  }
  const bytes = Buffer.concat(order.map((words) => encodeSentence(words)));
  for (const chunk of splitAt(bytes, cs)) feed(socket, chunk);
  await turns(1);

  for (const l of live) {
    const { call, state, tag } = l;
    if (!state.settled) fail(`call ${tag} did not settle on its !done`);
    const rows = call.rows.map((row) => Object.fromEntries(row));
    if (call.traps.length > 0) {
      const first = call.traps[0];
      if (!(state.error instanceof TrapError))
        fail(`call ${tag}: expected a TrapError, got ${state.error || 'success'}`);
      if (state.error.category !== first.category) fail(`call ${tag}: trap category ${state.error.category}`);
      const message = first.message || 'the router refused the command';
      if (state.error.message !== message) fail(`call ${tag}: trap message "${state.error.message}" != "${message}"`);
    } else {
      if (state.error !== undefined) fail(`call ${tag} rejected: ${state.error}`);
      const done = call.ret === null ? {} : { ret: call.ret };
      if (JSON.stringify(state.value.done) !== JSON.stringify(done))
        fail(`call ${tag}: done ${JSON.stringify(state.value.done)}`);
      if (state.value.tag !== tag) fail(`call ${tag} resolved with tag ${state.value.tag}`);
      if (!call.stream) {
        if (JSON.stringify(state.value.rows) !== JSON.stringify(rows)) fail(`call ${tag}: rows differ`);
        if (state.value.empty !== call.empty) fail(`call ${tag}: empty ${state.value.empty}`);
      }
    }
    if (call.stream) {
      const got = JSON.stringify(l.received);
      const want = JSON.stringify(rows.map((r) => [tag, r]));
      if (got !== want) fail(`stream ${tag}: onRow saw ${got}, expected ${want}`);
    }
  }
  if (unexpected.length !== strangers.length) fail(`${unexpected.length} unexpected replies, ${strangers.length} sent`);
  if (client.pendingCount !== 0) fail(`${client.pendingCount} calls left after every !done`);
  await client.close();
  checkNoUnhandled(unhandled);
}

/**
 * Timeouts on a router that goes quiet part way: every call has a timeout of 1 to 4 ms and the
 * connection stays open. Each call must reject with TimeoutError on time (no hang); its tag
 * stays reserved (a new call with it is refused) and a /cancel goes out for it; when the late
 * replies come, they are dropped without a sound (no 'unexpected', no throw) and the tag is free.
 */
async function checkClientTimeouts({ ops, early, cs }, unhandled) {
  const { socket, written } = fakeSocket();
  const client = new RouterOSClient(socket, { label: 'slow' });
  client.markAuthenticated();
  const unexpected = [];
  client.on('unexpected', (reply) => unexpected.push(reply));
  const started = [];
  for (const op of ops) {
    if (op.tag !== undefined && client.tags.includes(op.tag)) continue;
    const promise = op.stream
      ? client.stream('/interface/listen', undefined, { tag: op.tag, timeout: op.timeout, onRow() {} }).done
      : client.call('/interface/print', undefined, { tag: op.tag, timeout: op.timeout });
    started.push({ tag: client.tags[client.tags.length - 1], state: track(promise), op });
  }
  // Some rows arrive before the router goes quiet.
  const firstRows = Buffer.concat(
    started.slice(0, early).map((s) => encodeSentence(['!re', '=name=ether1', `.tag=${s.tag}`])),
  );
  for (const chunk of splitAt(firstRows, cs)) feed(socket, chunk);

  const deadline = Date.now() + 1000;
  while (started.some((s) => !s.state.settled) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  for (const s of started) {
    if (!s.state.settled) fail(`call ${s.tag} with a ${s.op.timeout} ms timeout did not settle within 1 s`);
    if (s.state.error === undefined || s.state.error.code !== 'ETIMEOUT') {
      fail(`call ${s.tag}: expected ETIMEOUT, got ${s.state.error || 'success'}`);
    }
    if (!client.tags.includes(s.tag)) fail(`tag ${s.tag} released while the router may still answer`);
    let reuse;
    try {
      client.stream('/interface/listen', undefined, { tag: s.tag, onRow() {} });
    } catch (err) {
      reuse = err;
    }
    if (!(reuse instanceof InputError)) fail(`tag ${s.tag} was given out again before the router's !done`);
  }
  await turns(1); // the /cancel words leave on the next tick
  const cancels = writtenSentences(written).filter((w) => w[0] === '/cancel');
  for (const s of started) {
    if (!cancels.some((w) => w.includes(`=tag=${s.tag}`))) fail(`no /cancel was sent for timed-out ${s.tag}`);
  }
  // The late replies: the rows, the interrupted trap and the !done, for every timed-out tag.
  const late = Buffer.concat(
    started.flatMap((s) => [
      encodeSentence(['!re', '=name=late', `.tag=${s.tag}`]),
      encodeSentence(['!trap', '=category=2', '=message=interrupted', `.tag=${s.tag}`]),
      encodeSentence(['!done', `.tag=${s.tag}`]),
    ]),
  );
  for (const chunk of splitAt(late, cs)) feed(socket, chunk);
  await turns(1);
  if (unexpected.length > 0) fail(`late replies surfaced as unexpected: ${JSON.stringify(unexpected[0])}`);
  for (const s of started) if (client.tags.includes(s.tag)) fail(`tag ${s.tag} still reserved after its !done`);
  await client.close();
  checkNoUnhandled(unhandled);
}

const clientArbitraries = {
  clientSentence,
  clientBytes,
  clientOp,
  cancelStep,
  chaos: fc.record({
    authenticated: fc.boolean(),
    maxWordLength: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: fc.integer({ min: 1, max: 64 }), weight: 1 },
    ),
    ops: fc.array(clientOp, { maxLength: 6 }),
    bytes: clientBytes,
    cs: cuts,
    cancels: fc.array(cancelStep, { maxLength: 3 }),
    how: ending,
  }),
  model: fc.record({
    calls: fc.array(modelCall, { minLength: 1, maxLength: 5 }),
    strangers: fc.array(fc.constantFrom('!re', '!done', '!trap', '!empty'), { maxLength: 3 }),
    picks: fc.array(fc.nat(), { maxLength: 40 }),
    cs: cuts,
  }),
  timeouts: fc.record({
    ops: fc.array(
      fc.record({
        stream: fc.boolean(),
        tag: fc.constantFrom(undefined, ...EXPLICIT_TAGS),
        timeout: fc.integer({ min: 1, max: 4 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    early: fc.nat(4),
    cs: cuts,
  }),
};

/**
 * Client properties. Each factory takes `unhandled`, the records of watchUnhandledRejections(),
 * and returns a fresh fc.asyncProperty.
 */
const clientProperties = {
  clientChaos: (unhandled) => fc.asyncProperty(clientArbitraries.chaos, (c) => checkClientChaos(c, unhandled)),
  clientModel: (unhandled) => fc.asyncProperty(clientArbitraries.model, (c) => checkClientModel(c, unhandled)),
  clientTimeouts: (unhandled) => fc.asyncProperty(clientArbitraries.timeouts, (c) => checkClientTimeouts(c, unhandled)),
};

module.exports = {
  arbitraries,
  properties,
  clientArbitraries,
  clientProperties,
  watchUnhandledRejections,
  fakeSocket,
  writtenSentences,
  encodeStream,
  splitAt,
  chunksOf,
  decodeChunks,
  referenceDecode,
  assertSameSentences,
  checkStream,
  mutate,
};
