import { ProtocolError } from './errors';
import { prefixSizeFromFirstByte, readPrefixValue } from './length';

/** Default cap on one word: far above any real reply, far below memory trouble. */
export const DEFAULT_MAX_WORD_LENGTH = 64 * 1024 * 1024;

/** A held buffer larger than this is released once it is empty again. */
const KEEP_CAPACITY = 1024 * 1024;
const MIN_CAPACITY = 4096;

/**
 * One decoded sentence as spans into a buffer, with no copying. The object and its arrays are
 * reused for the next sentence: read what you need inside the callback.
 */
export interface RawSentence {
  buffer: Buffer;
  /** Offsets of each word's first byte in `buffer`. */
  starts: number[];
  /** Offsets one past each word's last byte. */
  ends: number[];
  /** Number of words (the terminating empty word is not counted). */
  count: number;
}

export interface DecoderOptions {
  /** Words longer than this are a protocol error (default 64 MiB). */
  maxWordLength?: number;
}

/**
 * A push decoder: feed it TCP chunks as they come, split anywhere, and it calls `onSentence`
 * for every complete sentence.
 *
 * Complete sentences are read straight out of the incoming chunk. Only an unfinished sentence
 * at the end of a chunk is copied, into a working buffer that later chunks are appended to;
 * that buffer grows by doubling and is compacted only when that frees at least as much as it
 * moves, so copying stays linear in the bytes received. Scanning resumes at the unfinished
 * word, and nothing is parsed until the bytes that word needs have arrived, so scanning is
 * linear too. A declared length is never allocated before its bytes arrive.
 *
 * The decoder keeps references into pushed chunks only during `push`; a caller may reuse its
 * chunk afterwards. `push` throws ProtocolError on bytes that break the framing rules; after
 * that it refuses further input, since the stream cannot be resynchronised.
 */
export class SentenceDecoder {
  private readonly onSentence: (sentence: RawSentence) => void;
  private readonly maxWordLength: number;
  private readonly sentence: RawSentence = { buffer: Buffer.alloc(0), starts: [], ends: [], count: 0 };
  /** Holds the unfinished sentence in [workStart, workEnd). */
  private work: Buffer = Buffer.alloc(0);
  private workStart = 0;
  private workEnd = 0;
  /** Absolute offset in `work` where scanning resumes. */
  private resumeAt = 0;
  /** Absolute offset in `work` the held bytes must reach before parsing can progress. */
  private needed = 0;
  private copied = 0;
  private failed: ProtocolError | undefined;

  constructor(onSentence: (sentence: RawSentence) => void, options: DecoderOptions = {}) {
    this.onSentence = onSentence;
    this.maxWordLength = options.maxWordLength ?? DEFAULT_MAX_WORD_LENGTH;
  }

  /** Bytes held for an unfinished sentence. */
  get bufferedBytes(): number {
    return this.workEnd - this.workStart;
  }

  /** Bytes copied into the working buffer so far (for tests of the linear-copy promise). */
  get copiedBytes(): number {
    return this.copied;
  }

  push(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    if (chunk.length === 0) return;
    try {
      if (this.workEnd === this.workStart) {
        this.parse(chunk, 0, 0);
      } else {
        this.append(chunk);
        if (this.workEnd >= this.needed) this.parse(this.work, this.workStart, this.resumeAt);
      }
    } catch (err) {
      this.failed =
        err instanceof ProtocolError
          ? err
          : Object.assign(new ProtocolError(`decoder failed: ${String(err)}`, 'EDECODER'), { cause: err });
      this.release();
      throw this.failed;
    }
  }

  /** Drops any unfinished sentence and clears a failure (for a new connection). */
  reset(): void {
    this.release();
    this.sentence.count = 0;
    this.failed = undefined;
  }

  private release(): void {
    this.work = Buffer.alloc(0);
    this.workStart = this.workEnd = this.resumeAt = this.needed = 0;
  }

  /** Scans `buf` from `pos` (the sentence began at `sentenceStart`) up to its data end. */
  private parse(buf: Buffer, sentenceStart: number, pos: number): void {
    const s = this.sentence;
    const starts = s.starts;
    const ends = s.ends;
    const len = buf === this.work ? this.workEnd : buf.length;
    const max = this.maxWordLength;
    s.buffer = buf;
    let needed: number;
    for (;;) {
      if (pos >= len) {
        needed = pos + 1;
        break;
      }
      const first = buf[pos];
      let size = 1;
      let wordLength = first;
      if (first >= 0x80) {
        size = prefixSizeFromFirstByte(first);
        if (pos + size > len) {
          needed = pos + size;
          break;
        }
        wordLength = readPrefixValue(buf, pos, first, size);
      }
      if (wordLength > max) {
        throw new ProtocolError(`word of ${wordLength} bytes exceeds the maximum of ${max}`, 'EWORDTOOLONG');
      }
      if (wordLength === 0) {
        pos += 1;
        // An empty sentence (a lone zero byte) carries nothing; skip it.
        if (s.count > 0) this.onSentence(s);
        s.count = 0;
        s.buffer = buf;
        sentenceStart = pos;
        continue;
      }
      const end = pos + size + wordLength;
      if (end > len) {
        needed = end;
        break;
      }
      starts[s.count] = pos + size;
      ends[s.count] = end;
      s.count++;
      pos = end;
    }
    this.hold(buf, sentenceStart, pos, needed, len);
  }

  /** Keeps the unfinished sentence [sentenceStart, len) for the next push. */
  private hold(buf: Buffer, sentenceStart: number, pos: number, needed: number, len: number): void {
    if (sentenceStart >= len) {
      if (this.work.length > KEEP_CAPACITY) this.work = Buffer.alloc(0);
      this.workStart = this.workEnd = this.resumeAt = this.needed = 0;
      return;
    }
    if (buf === this.work) {
      this.workStart = sentenceStart;
      this.resumeAt = pos;
      this.needed = needed;
      return;
    }
    // The tail of a pushed chunk: copy it, since the caller owns the chunk.
    const tail = len - sentenceStart;
    if (this.work.length < tail) this.work = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, tail * 2));
    buf.copy(this.work, 0, sentenceStart, len);
    this.copied += tail;
    this.workStart = 0;
    this.workEnd = tail;
    this.rebase(sentenceStart);
    this.resumeAt = pos - sentenceStart;
    this.needed = needed - sentenceStart;
    this.sentence.buffer = this.work;
  }

  /** Appends a chunk behind the held bytes, compacting or growing the working buffer. */
  private append(chunk: Buffer): void {
    const used = this.workEnd - this.workStart;
    if (this.work.length - this.workEnd < chunk.length) {
      const shift = this.workStart;
      if (shift >= used && used + chunk.length <= this.work.length) {
        this.work.copy(this.work, 0, this.workStart, this.workEnd);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, this.work.length * 2, used + chunk.length));
        this.work.copy(grown, 0, this.workStart, this.workEnd);
        this.work = grown;
        this.sentence.buffer = grown;
      }
      this.copied += used;
      this.workStart = 0;
      this.workEnd = used;
      this.rebase(shift);
      this.resumeAt -= shift;
      this.needed -= shift;
    }
    chunk.copy(this.work, this.workEnd);
    this.workEnd += chunk.length;
    this.copied += chunk.length;
  }

  private rebase(shift: number): void {
    if (shift === 0) return;
    const s = this.sentence;
    for (let i = 0; i < s.count; i++) {
      s.starts[i] -= shift;
      s.ends[i] -= shift;
    }
  }
}

/** Copies a raw sentence's words out as buffers. */
export function rawSentenceWords(sentence: RawSentence): Buffer[] {
  const words: Buffer[] = [];
  for (let i = 0; i < sentence.count; i++) {
    words.push(Buffer.from(sentence.buffer.subarray(sentence.starts[i], sentence.ends[i])));
  }
  return words;
}
