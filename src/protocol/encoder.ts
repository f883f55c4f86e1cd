import { lengthPrefixSize, writeLength } from './length';
import { encodedByteLength, writeText, TextEncoding } from './text';

/**
 * Encodes one sentence (the words plus the terminating zero-length word) into a single buffer,
 * so that sending it costs one socket write.
 */
export function encodeSentence(words: readonly string[], encoding: TextEncoding = 'utf8'): Buffer {
  const sizes = new Array<number>(words.length);
  let total = 1; // the terminating empty word
  for (let i = 0; i < words.length; i++) {
    const size = encodedByteLength(words[i], encoding);
    if (size === 0) throw new RangeError(`word ${i} is empty: an empty word would end the sentence early`);
    sizes[i] = size;
    total += lengthPrefixSize(size) + size;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < words.length; i++) {
    offset = writeLength(sizes[i], out, offset);
    offset += writeText(words[i], out, offset, encoding);
  }
  out[offset] = 0;
  return out;
}

/** Encodes sentences whose words are already bytes (used by the simulator and tests). */
export function encodeRawSentence(words: readonly Uint8Array[]): Buffer {
  let total = 1;
  for (const w of words) {
    if (w.length === 0) throw new RangeError('empty word: an empty word would end the sentence early');
    total += lengthPrefixSize(w.length) + w.length;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const w of words) {
    offset = writeLength(w.length, out, offset);
    out.set(w, offset);
    offset += w.length;
  }
  out[offset] = 0;
  return out;
}
