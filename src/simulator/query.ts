import { isNumeric } from './format';

/**
 * The `?` query words of a print, evaluated the way the RouterOS API documentation describes:
 * a stack of booleans that starts as an endless pile of `true`, one push per test word, `?#`
 * operations on the stack, and an item passes when no `false` is left on the stack.
 */

/** Read access to one item's properties. */
export type PropertyLookup = (name: string) => string | undefined;

export type QueryPredicate = (get: PropertyLookup) => boolean;

/** A query word the evaluator cannot make sense of (answered with a !trap). */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

type Step = (get: PropertyLookup, stack: boolean[]) => void;

const BOOLEAN_WORDS: Record<string, boolean> = { yes: true, true: true, no: false, false: false };

function equalValues(actual: string, wanted: string): boolean {
  if (actual === wanted) return true;
  // RouterOS 7 compares typed values, so `?disabled=false` matches an item printed as `no`.
  const a = BOOLEAN_WORDS[actual];
  const b = BOOLEAN_WORDS[wanted];
  if (a !== undefined && b !== undefined) return a === b;
  if (isNumeric(actual) && isNumeric(wanted)) return Number(actual) === Number(wanted);
  return false;
}

/** -1, 0 or 1: numeric when both sides are numbers, otherwise plain string order. */
function compareValues(actual: string, wanted: string): number {
  if (isNumeric(actual) && isNumeric(wanted)) return Math.sign(Number(actual) - Number(wanted));
  return actual < wanted ? -1 : actual > wanted ? 1 : 0;
}

/** Splits `name=value` at the first `=`; a missing `=` means an empty value. */
function splitNameValue(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
}

// The stack is conceptually endless `true` values: popping an empty stack yields true.
function pop(stack: boolean[]): boolean {
  return stack.length > 0 ? (stack.pop() as boolean) : true;
}

function at(stack: boolean[], index: number): boolean {
  const i = stack.length - 1 - index;
  return i >= 0 ? stack[i] : true;
}

function compileOperations(ops: string): Step {
  const actions: Array<(stack: boolean[]) => void> = [];
  let i = 0;
  let afterIndex = false;
  while (i < ops.length) {
    const c = ops[i];
    if (c >= '0' && c <= '9') {
      let j = i;
      while (j < ops.length && ops[j] >= '0' && ops[j] <= '9') j++;
      const index = Number(ops.slice(i, j));
      if (j === ops.length) {
        // An index that ends the word replaces the whole stack with that value.
        actions.push((stack) => {
          const v = at(stack, index);
          stack.length = 0;
          stack.push(v);
        });
      } else {
        actions.push((stack) => stack.push(at(stack, index)));
      }
      i = j;
      afterIndex = true;
      continue;
    }
    switch (c) {
      case '!':
        actions.push((stack) => stack.push(!pop(stack)));
        break;
      case '&':
        actions.push((stack) => {
          const b = pop(stack);
          const a = pop(stack);
          stack.push(a && b);
        });
        break;
      case '|':
        actions.push((stack) => {
          const b = pop(stack);
          const a = pop(stack);
          stack.push(a || b);
        });
        break;
      case '.':
        // After an index a dot only separates; elsewhere it duplicates the top.
        if (!afterIndex) actions.push((stack) => stack.push(at(stack, 0)));
        break;
      default:
        throw new QueryError(`unknown query operation '${c}'`);
    }
    afterIndex = false;
    i++;
  }
  return (_get, stack) => {
    for (const action of actions) action(stack);
  };
}

function compileWord(word: string): Step {
  if (word.startsWith('#')) return compileOperations(word.slice(1));
  if (word.startsWith('-')) {
    const name = word.slice(1);
    return (get, stack) => stack.push(get(name) === undefined);
  }
  if (word.startsWith('<') || word.startsWith('>')) {
    const wantLess = word[0] === '<';
    const [name, wanted] = splitNameValue(word.slice(1));
    return (get, stack) => {
      const actual = get(name);
      if (actual === undefined) {
        stack.push(false);
        return;
      }
      const order = compareValues(actual, wanted);
      stack.push(wantLess ? order < 0 : order > 0);
    };
  }
  // `?=name=x` and `?name=x` both test equality; `?name` alone tests presence.
  const body = word.startsWith('=') ? word.slice(1) : word;
  if (body.includes('=')) {
    const [name, wanted] = splitNameValue(body);
    return (get, stack) => {
      const actual = get(name);
      stack.push(actual === undefined ? wanted === '' : equalValues(actual, wanted));
    };
  }
  if (body === '') throw new QueryError('empty query word');
  return (get, stack) => stack.push(get(body) !== undefined);
}

/**
 * Compiles query words (without their leading `?`) into a predicate. With no words every item
 * passes. Throws QueryError on an operation the documentation does not define.
 */
export function compileQuery(words: readonly string[]): QueryPredicate {
  if (words.length === 0) return () => true;
  const steps = words.map(compileWord);
  return (get) => {
    const stack: boolean[] = [];
    for (const step of steps) step(get, stack);
    return !stack.includes(false);
  };
}
