import { ProtocolError } from './errors';
import { RawSentence } from './decoder';
import { decodeText, TextEncoding } from './text';

/** The reply words RouterOS sends; anything else is kept as `unknown`. */
export type ReplyType = '!re' | '!done' | '!trap' | '!fatal' | '!empty' | 'unknown';

/** Attribute words of a reply, name → value, values always strings. */
export type Attributes = Record<string, string>;

export interface Reply {
  type: ReplyType;
  /** The raw first word (useful when `type` is `unknown`). */
  word: string;
  /** `.tag=` of the reply, when present. */
  tag: string | undefined;
  /** `=name=value` words, split at the second `=` so values may contain `=`. */
  attributes: Attributes;
  /** Words that are neither attributes nor the tag: the reason text of `!fatal`, API words. */
  extra: string[];
}

const EQUALS = 0x3d;
const DOT = 0x2e;

function replyTypeOf(word: string): ReplyType {
  switch (word) {
    case '!re':
    case '!done':
    case '!trap':
    case '!fatal':
    case '!empty':
      return word;
    default:
      return 'unknown';
  }
}

/** Sets `key` even when it is `__proto__`, so a router's reply can never touch a prototype. */
export function setAttribute(target: Attributes, key: string, value: string): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function isTagWord(buf: Buffer, start: number, end: number): boolean {
  // ".tag=" as bytes
  return (
    end - start >= 5 &&
    buf[start] === DOT &&
    buf[start + 1] === 0x74 &&
    buf[start + 2] === 0x61 &&
    buf[start + 3] === 0x67 &&
    buf[start + 4] === EQUALS
  );
}

/**
 * Turns a decoded sentence into a Reply. Attribute names are ASCII in practice and are decoded
 * as latin1; values (and everything else) use the connection's text encoding.
 */
export function parseReply(sentence: RawSentence, encoding: TextEncoding = 'utf8'): Reply {
  const { buffer, starts, ends, count } = sentence;
  if (count === 0) throw new ProtocolError('empty sentence', 'EEMPTYSENTENCE');
  const word = decodeText(buffer, starts[0], ends[0], encoding);
  const attributes: Attributes = {};
  const extra: string[] = [];
  let tag: string | undefined;
  for (let i = 1; i < count; i++) {
    const start = starts[i];
    const end = ends[i];
    if (buffer[start] === EQUALS) {
      let eq = start + 1;
      while (eq < end && buffer[eq] !== EQUALS) eq++;
      const key = buffer.toString('latin1', start + 1, eq);
      // "=name" without a second "=" is read as an empty value.
      const value = eq < end ? decodeText(buffer, eq + 1, end, encoding) : '';
      setAttribute(attributes, key, value);
    } else if (isTagWord(buffer, start, end)) {
      tag = decodeText(buffer, start + 5, end, encoding);
    } else {
      extra.push(decodeText(buffer, start, end, encoding));
    }
  }
  return { type: replyTypeOf(word), word, tag, attributes, extra };
}
