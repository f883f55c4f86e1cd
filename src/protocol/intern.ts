import { latin1 } from './text';

/**
 * Interns short ASCII strings straight from bytes. Replies repeat the same attribute names on
 * every row and many values (`main`, `true`, `20`, `ether1`), so looking them up by a hash of
 * their bytes is cheaper than decoding a new string each time, and a million rows then share
 * one copy of each instead of holding a million.
 *
 * The table is bounded, so a stream of random names (a fuzzer, a hostile peer) cannot make it
 * grow without limit: once full, misses are decoded as usual and not stored.
 */
export const INTERN_MAX_LENGTH = 24;
const MAX_ENTRIES = 8192;

interface Entry {
  bytes: Buffer;
  text: string;
}

export class StringInterner {
  private readonly table = new Map<number, Entry>();

  /** Bytes [start, end) as a string, or undefined when they are not short ASCII. */
  lookup(buf: Buffer, start: number, end: number): string | undefined {
    const length = end - start;
    if (length > INTERN_MAX_LENGTH) return undefined;
    let hash = length;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b >= 0x80) return undefined;
      hash = (Math.imul(hash, 31) + b) | 0;
    }
    const entry = this.table.get(hash);
    if (entry !== undefined) {
      const bytes = entry.bytes;
      if (bytes.length === length) {
        let same = true;
        for (let i = 0; i < length; i++) {
          if (bytes[i] !== buf[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return entry.text;
      }
      return latin1(buf, start, end);
    }
    const text = latin1(buf, start, end);
    if (this.table.size < MAX_ENTRIES) this.table.set(hash, { bytes: Buffer.from(buf.subarray(start, end)), text });
    return text;
  }

  get size(): number {
    return this.table.size;
  }
}
