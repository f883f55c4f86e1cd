import { ASCII_FAST_MAX, asciiString, isAscii } from './ascii';
import { decodeText, latin1, TextEncoding } from './text';
import type { Attributes } from './reply';

/**
 * Builds the attribute objects of replies through one constructor per key set, the way V8
 * builds its own hidden classes: a tree of key sequences whose nodes are the keys in the order
 * a reply sends them. Rows of one reply mostly repeat a few key orders, so each row walks the
 * tree comparing its key bytes with the expected key (no key string is decoded or hashed) and,
 * at the end, a constructor compiled for that key sequence makes the object with all its
 * properties at once: one allocation, one hidden class, no property-by-property transitions.
 *
 * Each node also decides, by sampling, whether the values under that key repeat: if they do
 * (`routing-table=main`, gateways) they go through the string interner; if they do not (`.id`,
 * a unique `dst-address`) they are decoded directly, so they neither pay for hashing nor evict
 * the interner's useful strings.
 *
 * The tree is bounded: past MAX_NODES it is dropped and grown again from what comes next.
 * Keys with bytes outside ASCII, `__proto__`, or more than MAX_DEPTH keys make `walk` give up
 * (returns undefined) and the caller uses its general path.
 */

const EQUALS = 0x3d;
const MAX_NODES = 4096;
const MAX_DEPTH = 128;
const CACHE_SLOTS = 32;
const CACHE_MASK = CACHE_SLOTS - 1;
/** Values sampled before a node decides whether caching its values pays. */
const SAMPLE = 256;
/** Sampled values that must repeat (cache hits) to keep caching. */
const MIN_HITS = 64;
/** A node that stopped caching samples again after this many values (values may change). */
const RECHECK = 16384;

type Make = (values: string[]) => Attributes;

export class ShapeNode {
  readonly key: string;
  /** The key's bytes (ASCII), compared against each row's key. */
  readonly bytes: Uint8Array;
  readonly depth: number;
  readonly parent: ShapeNode | undefined;
  readonly children: ShapeNode[] = [];
  /** Compiled constructor for rows that end here; null when it cannot be compiled. */
  make: Make | null | undefined = undefined;
  /** This key's recent values while they repeat enough (see `decide`); else undefined. */
  cache: string[] | undefined = new Array<string>(CACHE_SLOTS).fill('');
  /** Values left before `decide` looks at `hits` again. */
  countdown = SAMPLE;
  hits = 0;

  constructor(key: string, parent: ShapeNode | undefined) {
    this.key = key;
    this.bytes = Buffer.from(key, 'latin1');
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
  }
}

export class ShapeCache {
  private root = new ShapeNode('', undefined);
  private nodes = 0;
  private readonly values: string[] = [];
  /** Starts a row. */
  begin(): ShapeNode {
    return this.root;
  }

  /**
   * Moves from `node` along the attribute word at [start, end) (which starts with '='),
   * storing its value; returns the next node, or undefined to give up on this row.
   */
  step(node: ShapeNode, buf: Buffer, start: number, end: number, encoding: TextEncoding): ShapeNode | undefined {
    // The key is the expected one when its bytes follow the first '=' and are followed by '='
    // or the end of the word; no scan for the '=' is needed then.
    const keyStart = start + 1;
    const children = node.children;
    let next: ShapeNode | undefined;
    let eq = 0;
    for (let c = 0; c < children.length; c++) {
      const child = children[c];
      const key = child.bytes;
      const length = key.length;
      eq = keyStart + length;
      if (eq > end || (eq < end && buf[eq] !== EQUALS)) continue;
      let i = 0;
      while (i < length && key[i] === buf[keyStart + i]) i++;
      if (i === length) {
        next = child;
        break;
      }
    }
    if (next === undefined) {
      eq = keyStart;
      while (eq < end && buf[eq] !== EQUALS) eq++;
      next = this.grow(node, buf, keyStart, eq);
      if (next === undefined) return undefined;
    }
    this.values[node.depth] = eq < end ? this.value(next, buf, eq + 1, end, encoding) : '';
    return next;
  }

  /** The row's attributes for a row that ended at `node`, or undefined to give up. */
  finish(node: ShapeNode): Attributes | undefined {
    let make = node.make;
    if (make === undefined) make = node.make = compile(node);
    if (make === null) return undefined;
    return make(this.values);
  }

  private grow(parent: ShapeNode, buf: Buffer, start: number, end: number): ShapeNode | undefined {
    if (parent.depth >= MAX_DEPTH) return undefined;
    for (let i = start; i < end; i++) if (buf[i] >= 0x80) return undefined;
    const key = latin1(buf, start, end);
    if (key === '__proto__') return undefined;
    if (this.nodes >= MAX_NODES) {
      // Start over rather than grow without bound; the caller's row falls back this once.
      this.root = new ShapeNode('', undefined);
      this.nodes = 0;
      return undefined;
    }
    const node = new ShapeNode(key, parent);
    parent.children.push(node);
    this.nodes++;
    return node;
  }

  /**
   * A value under `node`'s key. While the node caches, short ASCII values are looked up in its
   * own small table (by length and three bytes, then compared in full); otherwise, or for
   * longer or non-ASCII values, they are decoded.
   */
  private value(node: ShapeNode, buf: Buffer, start: number, end: number, encoding: TextEncoding): string {
    const length = end - start;
    if (--node.countdown === 0) decide(node);
    if (length <= ASCII_FAST_MAX) {
      const cache = node.cache;
      if (cache !== undefined) {
        const slot = (length + buf[end - 1] * 5 + buf[start + (length >> 1)] * 3 + buf[start]) & CACHE_MASK;
        const known = cache[slot];
        if (known.length === length) {
          let i = 0;
          while (i < length && known.charCodeAt(i) === buf[start + i]) i++;
          if (i === length) {
            node.hits++;
            return known;
          }
        }
        if (!isAscii(buf, start, end)) return decodeText(buf, start, end, encoding);
        return (cache[slot] = asciiString(buf, start, end));
      }
      if (isAscii(buf, start, end)) return asciiString(buf, start, end);
    }
    return decodeText(buf, start, end, encoding);
  }
}

/** After a sample of values: keep caching when enough of them repeated, else decode directly. */
function decide(node: ShapeNode): void {
  if (node.cache !== undefined && node.hits < MIN_HITS) {
    node.cache = undefined;
    node.countdown = RECHECK;
  } else {
    // Caching pays (or it is time to sample again): a fresh table, so stale values go.
    node.cache = new Array<string>(CACHE_SLOTS).fill('');
    node.countdown = SAMPLE;
  }
  node.hits = 0;
}

/** A function returning an object literal with the keys of the path to `node`, in order. */
function compile(node: ShapeNode): Make | null {
  const keys: string[] = [];
  for (let n: ShapeNode | undefined = node; n && n.depth > 0; n = n.parent) keys.push(n.key);
  keys.reverse();
  const body = keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ');
  try {
    return new Function('v', `"use strict"; return { ${body} };`) as Make;
  } catch {
    // Code generation can be disabled (--disallow-code-generation-from-strings).
    return null;
  }
}
