import { asciiString } from './ascii';

/**
 * Interns short ASCII strings straight from bytes. Replies repeat the same attribute names on
 * every row and many values (`main`, `true`, `20`, `ether1`), so looking them up by a hash of
 * their bytes is cheaper than decoding a new string each time, and a million rows then share
 * one copy of each instead of holding a million.
 *
 * The table is a fixed array of slots (direct-mapped, like a CPU cache): a miss replaces what
 * was in its slot. So it never grows, a stream of random names (a fuzzer, a hostile peer) only
 * churns it, and a long-running process keeps adapting to the values it sees now instead of
 * freezing on the first ones.
 */
export const INTERN_MAX_LENGTH = 24;
const SLOT_BITS = 13; // 8192 slots

export class StringInterner {
  private readonly slots: string[] = new Array<string>(1 << SLOT_BITS).fill('');
  /** Whether the last `lookup` that returned a string found it already there. */
  hit = false;

  /** Bytes [start, end) as a string, or undefined when they are not short ASCII. */
  lookup(buf: Buffer, start: number, end: number): string | undefined {
    const length = end - start;
    if (length > INTERN_MAX_LENGTH) return undefined;
    let hash = 0x811c9dc5 ^ length;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b >= 0x80) return undefined;
      hash = Math.imul(hash ^ b, 0x01000193); // FNV-1a step
    }
    const slot = hash >>> (32 - SLOT_BITS);
    const known = this.slots[slot];
    if (known.length === length) {
      let i = 0;
      while (i < length && known.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) {
        this.hit = true;
        return known;
      }
    }
    const text = asciiString(buf, start, end);
    this.slots[slot] = text;
    this.hit = false;
    return text;
  }

  /** Slots in use. */
  get size(): number {
    let used = 0;
    for (const text of this.slots) if (text !== '') used++;
    return used;
  }
}
