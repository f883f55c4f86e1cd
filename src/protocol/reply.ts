import { ProtocolError } from './errors';
import { RawSentence } from './decoder';
import { StringInterner } from './intern';
import { ShapeCache, ShapeNode } from './shapes';
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

const NO_EXTRA: string[] = [];
const sharedInterner = new StringInterner();

// One shape cache per interner (the interner stands for "one peer's strings").
const shapeCaches = new WeakMap<StringInterner, ShapeCache>();
let lastInterner: StringInterner | undefined;
let lastShapes: ShapeCache | undefined;

function shapesFor(interner: StringInterner): ShapeCache {
  if (interner === lastInterner && lastShapes) return lastShapes;
  let shapes = shapeCaches.get(interner);
  if (!shapes) {
    shapes = new ShapeCache();
    shapeCaches.set(interner, shapes);
  }
  lastInterner = interner;
  lastShapes = shapes;
  return shapes;
}

/**
 * Turns a decoded sentence into a Reply. Short ASCII names and values are interned (see
 * StringInterner); everything else is decoded with the connection's text encoding. Pass a
 * per-connection interner to keep one peer's strings apart from another's.
 */
export function parseReply(
  sentence: RawSentence,
  encoding: TextEncoding = 'utf8',
  interner: StringInterner = sharedInterner,
): Reply {
  const { buffer, starts, ends, count } = sentence;
  if (count === 0) throw new ProtocolError('empty sentence', 'EEMPTYSENTENCE');
  const word = text(buffer, starts[0], ends[0], encoding, interner);
  const shapes = shapesFor(interner);
  let node: ShapeNode | undefined = shapes.begin();
  let extra = NO_EXTRA;
  let tag: string | undefined;
  for (let i = 1; i < count; i++) {
    const start = starts[i];
    const end = ends[i];
    if (buffer[start] === EQUALS) {
      if (node !== undefined) node = shapes.step(node, buffer, start, end, encoding);
    } else if (isTagWord(buffer, start, end)) {
      tag = text(buffer, start + 5, end, encoding, interner);
    } else {
      if (extra === NO_EXTRA) extra = [];
      extra.push(decodeText(buffer, start, end, encoding));
    }
  }
  const attributes = (node && shapes.finish(node)) ?? attributesOf(sentence, encoding, interner);
  return { type: replyTypeOf(word), word, tag, attributes, extra };
}

/** The general path: attribute by attribute (rows the shape cache gives up on). */
function attributesOf(sentence: RawSentence, encoding: TextEncoding, interner: StringInterner): Attributes {
  const { buffer, starts, ends, count } = sentence;
  const attributes: Attributes = {};
  for (let i = 1; i < count; i++) {
    const start = starts[i];
    const end = ends[i];
    if (buffer[start] !== EQUALS) continue;
    let eq = start + 1;
    while (eq < end && buffer[eq] !== EQUALS) eq++;
    const key = text(buffer, start + 1, eq, encoding, interner);
    // "=name" without a second "=" is read as an empty value.
    const value = eq < end ? text(buffer, eq + 1, end, encoding, interner) : '';
    setAttribute(attributes, key, value);
  }
  return attributes;
}

function text(buf: Buffer, start: number, end: number, encoding: TextEncoding, interner: StringInterner): string {
  // ASCII reads the same in utf8 and windows-1252.
  return interner.lookup(buf, start, end) ?? decodeText(buf, start, end, encoding);
}
