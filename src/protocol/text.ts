/**
 * Text encodings for word contents. RouterOS stores whatever bytes the writer sent, and WinBox
 * writes the Windows code page, so a client must be able to choose. Invalid bytes become
 * U+FFFD (utf8) and never throw; characters windows-1252 cannot hold are written as `?`.
 */
export type TextEncoding = 'utf8' | 'win1252';

export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf8', 'win1252'];

export function isTextEncoding(value: unknown): value is TextEncoding {
  return value === 'utf8' || value === 'win1252';
}

// windows-1252 bytes 0x80-0x9F as the WHATWG Encoding Standard maps them (the five undefined
// bytes map to the C1 control with the same number, as browsers do).
const WIN1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d,
  0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x009d, 0x017e, 0x0178,
];

const WIN1252_DECODE: string[] = [];
for (let b = 0; b < 256; b++) {
  WIN1252_DECODE.push(String.fromCharCode(b >= 0x80 && b < 0xa0 ? WIN1252_HIGH[b - 0x80] : b));
}

const WIN1252_ENCODE = new Map<number, number>();
for (let i = 0; i < WIN1252_HIGH.length; i++) WIN1252_ENCODE.set(WIN1252_HIGH[i], 0x80 + i);

const QUESTION_MARK = 0x3f;

/**
 * Node's Buffer has undocumented-in-types `utf8Slice` / `latin1Slice` methods that
 * `toString(encoding, start, end)` calls after normalising its arguments; calling them
 * directly saves that work on the hot path (bounds are always valid here).
 */
interface SlicingBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** Bytes [start, end) as latin1 (one character per byte). */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as SlicingBuffer).latin1Slice(start, end);
}

/** Decodes bytes [start, end) of `buf`. */
export function decodeText(buf: Buffer, start: number, end: number, encoding: TextEncoding): string {
  if (encoding === 'utf8') return (buf as SlicingBuffer).utf8Slice(start, end);
  // Runs of bytes outside 0x80-0x9F are identical in latin1, which Node decodes natively.
  let out = '';
  let runStart = start;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b >= 0x80 && b < 0xa0) {
      if (i > runStart) out += latin1(buf, runStart, i);
      out += WIN1252_DECODE[b];
      runStart = i + 1;
    }
  }
  if (end > runStart) out += latin1(buf, runStart, end);
  return out;
}

/** Number of bytes `text` takes in `encoding`. */
export function encodedByteLength(text: string, encoding: TextEncoding): number {
  return encoding === 'utf8' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** Writes `text` into `target` at `offset`; returns the number of bytes written. */
export function writeText(text: string, target: Buffer, offset: number, encoding: TextEncoding): number {
  if (encoding === 'utf8') return target.write(text, offset, 'utf8');
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let byte: number;
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) byte = code;
    // C1 controls too: only the five windows-1252 leaves undefined read back as themselves.
    else byte = WIN1252_ENCODE.get(code) ?? QUESTION_MARK;
    target[offset + i] = byte;
  }
  return text.length;
}
