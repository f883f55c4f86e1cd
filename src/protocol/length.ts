import { ProtocolError } from './errors';

/** Largest length the five-byte form can carry. */
export const MAX_ENCODABLE_LENGTH = 0xffffffff;

/** How many prefix bytes a word of `length` bytes needs (1 to 5). */
export function lengthPrefixSize(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x4000) return 2;
  if (length < 0x200000) return 3;
  if (length < 0x10000000) return 4;
  return 5;
}

/**
 * Writes the length prefix for `length` into `target` at `offset`; returns the offset after it.
 * Big-endian, with the form's marker bits in the first byte (see PROTOCOL-NOTES.md).
 */
export function writeLength(length: number, target: Uint8Array, offset: number): number {
  if (!Number.isInteger(length) || length < 0 || length > MAX_ENCODABLE_LENGTH) {
    throw new RangeError(`word length ${length} cannot be encoded`);
  }
  if (length < 0x80) {
    target[offset] = length;
    return offset + 1;
  }
  if (length < 0x4000) {
    target[offset] = (length >>> 8) | 0x80;
    target[offset + 1] = length & 0xff;
    return offset + 2;
  }
  if (length < 0x200000) {
    target[offset] = (length >>> 16) | 0xc0;
    target[offset + 1] = (length >>> 8) & 0xff;
    target[offset + 2] = length & 0xff;
    return offset + 3;
  }
  if (length < 0x10000000) {
    target[offset] = (length >>> 24) | 0xe0;
    target[offset + 1] = (length >>> 16) & 0xff;
    target[offset + 2] = (length >>> 8) & 0xff;
    target[offset + 3] = length & 0xff;
    return offset + 4;
  }
  target[offset] = 0xf0;
  target[offset + 1] = (length >>> 24) & 0xff;
  target[offset + 2] = (length >>> 16) & 0xff;
  target[offset + 3] = (length >>> 8) & 0xff;
  target[offset + 4] = length & 0xff;
  return offset + 5;
}

/** The length prefix for `length` as its own buffer. */
export function encodeLength(length: number): Buffer {
  const out = Buffer.allocUnsafe(lengthPrefixSize(length));
  writeLength(length, out, 0);
  return out;
}

/**
 * Result of reading a length prefix: `size` is the number of prefix bytes, or 0 when `bytes`
 * ends before the prefix does ("need more").
 */
export interface DecodedLength {
  length: number;
  size: number;
}

/**
 * Reads the length prefix at `offset`. Returns `{ size: 0 }` when the prefix is not complete
 * yet; throws ProtocolError on a reserved control byte (0xF8-0xFF).
 */
export function decodeLength(bytes: Uint8Array, offset = 0): DecodedLength {
  const available = bytes.length - offset;
  if (available < 1) return { length: 0, size: 0 };
  const first = bytes[offset];
  if (first < 0x80) return { length: first, size: 1 };
  const size = prefixSizeFromFirstByte(first);
  if (available < size) return { length: 0, size: 0 };
  return { length: readPrefixValue(bytes, offset, first, size), size };
}

/** Prefix size implied by its first byte; throws on a control byte. */
export function prefixSizeFromFirstByte(first: number): number {
  if (first < 0x80) return 1;
  if (first < 0xc0) return 2;
  if (first < 0xe0) return 3;
  if (first < 0xf0) return 4;
  if (first < 0xf8) return 5;
  throw new ProtocolError(
    `reserved control byte 0x${first.toString(16).toUpperCase()} where a word length was expected`,
    'ECONTROLBYTE',
  );
}

/** Value of a complete prefix of `size` bytes starting with `first` at `offset`. */
export function readPrefixValue(bytes: Uint8Array, offset: number, first: number, size: number): number {
  switch (size) {
    case 1:
      return first;
    case 2:
      return ((first & 0x3f) << 8) | bytes[offset + 1];
    case 3:
      return ((first & 0x1f) << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2];
    case 4:
      return (first & 0x0f) * 0x1000000 + ((bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]);
    default:
      return bytes[offset + 1] * 0x1000000 + ((bytes[offset + 2] << 16) | (bytes[offset + 3] << 8) | bytes[offset + 4]);
  }
}
