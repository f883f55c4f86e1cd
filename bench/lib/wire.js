'use strict';
// A minimal RouterOS API word codec for the bench server and the raw client, written apart from
// src/ so a decoder bug under test cannot also hide in the harness. Words are latin1 here: the
// benchmark only sends ASCII.

function lengthPrefix(len) {
  if (len < 0x80) return Buffer.from([len]);
  if (len < 0x4000) return Buffer.from([(len >> 8) | 0x80, len & 0xff]);
  if (len < 0x200000) return Buffer.from([(len >> 16) | 0xc0, (len >> 8) & 0xff, len & 0xff]);
  if (len < 0x10000000) return Buffer.from([(len >>> 24) | 0xe0, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.from([0xf0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff]);
}

/** One sentence: each word with its length prefix, then the zero-length word. */
function encodeSentence(words) {
  const parts = [];
  for (const word of words) {
    const bytes = Buffer.from(word, 'latin1');
    parts.push(lengthPrefix(bytes.length), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * Splits a byte stream into sentences (arrays of latin1 words). Feed chunks with `push`; it
 * returns the complete sentences and keeps the rest.
 */
class SentenceSplitter {
  constructor() {
    this.tail = Buffer.alloc(0);
    this.words = [];
  }

  push(chunk) {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const sentences = [];
    let pos = 0;
    let wordStart = 0;
    let words = this.words;
    for (;;) {
      wordStart = pos;
      if (pos >= buf.length) break;
      const b = buf[pos];
      let size;
      let len;
      if (b < 0x80) [size, len] = [1, b];
      else if (b < 0xc0) [size, len] = [2, ((b & 0x3f) << 8) | buf[pos + 1]];
      else if (b < 0xe0) [size, len] = [3, ((b & 0x1f) << 16) | (buf[pos + 1] << 8) | buf[pos + 2]];
      else if (b < 0xf0)
        [size, len] = [4, (b & 0x0f) * 0x1000000 + ((buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3])];
      else [size, len] = [5, buf.readUInt32BE(pos + 1)];
      if (pos + size > buf.length || pos + size + len > buf.length) break;
      pos += size;
      if (len === 0) {
        sentences.push(words);
        words = [];
        continue;
      }
      words.push(buf.toString('latin1', pos, pos + len));
      pos += len;
    }
    this.words = words;
    this.tail = Buffer.from(buf.subarray(wordStart));
    return sentences;
  }
}

/** `.tag=` of a sentence, or undefined. */
function tagOf(words) {
  for (const w of words) if (w.startsWith('.tag=')) return w.slice(5);
  return undefined;
}

module.exports = { encodeSentence, lengthPrefix, SentenceSplitter, tagOf };
