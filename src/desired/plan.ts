import type { Attributes } from '../client';
import { Desired, DesiredEntry, EnsureOptions, keyOf, keyValues } from './input';
import { canonical, sameValue, wireValue } from './values';

/** An entry to add: its properties as they will be sent. */
export interface PlannedAdd {
  key: Record<string, string>;
  attributes: Record<string, string>;
}

/** Properties to change on one entry (no `.id` for a one-object menu). */
export interface PlannedUpdate {
  id: string | undefined;
  key: Record<string, string>;
  before: Record<string, string>;
  after: Record<string, string>;
}

export interface PlannedRemove {
  id: string;
  key: Record<string, string>;
  /** The entry as it was read. */
  row: Attributes;
}

/**
 * Where each listed entry stands: an existing `.id`, or the index of an add (its `.id` is known
 * only once the router has answered).
 */
export type Slot = ({ id: string } | { add: number }) & { key: Record<string, string> };

export interface Plan {
  updates: PlannedUpdate[];
  adds: PlannedAdd[];
  removes: PlannedRemove[];
  /** The listed entries in the list's order, for keeping the order. */
  order: Slot[];
  /** The listed entries' slots in the order the table will hold them once adds and removes are done. */
  expectedOrder: Slot[];
  unchanged: number;
}

/** Dynamic and built-in entries: RouterOS makes and owns them. */
export function isDynamic(row: Attributes): boolean {
  return canonical(row.dynamic) === 'b:true' || canonical(row.builtin) === 'b:true';
}

function changes(
  entry: DesiredEntry,
  row: Attributes,
  skip: readonly string[],
): { before: Record<string, string>; after: Record<string, string> } | undefined {
  const before: Record<string, string> = {};
  const after: Record<string, string> = {};
  let any = false;
  for (const [name, value] of Object.entries(entry)) {
    if (skip.includes(name) || sameValue(value, row[name])) continue;
    before[name] = row[name] ?? '';
    after[name] = wireValue(value);
    any = true;
  }
  return any ? { before, after } : undefined;
}

function attributesOf(entry: DesiredEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry)) out[name] = wireValue(value);
  return out;
}

/**
 * Compares the desired state with the rows read from the router and works out the changes:
 * only properties named in a desired entry are compared and set; dynamic entries are left out
 * when `skipDynamic`; entries the list does not name are removed only with `unlisted: remove`.
 * Pure: it sends nothing.
 */
export function makePlan(desired: Desired, rows: readonly Attributes[], options: EnsureOptions): Plan {
  const plan: Plan = { updates: [], adds: [], removes: [], order: [], expectedOrder: [], unchanged: 0 };
  if (desired.kind === 'single') {
    const row = rows[0] ?? {};
    const diff = changes(desired.entry, row, []);
    if (diff) plan.updates.push({ id: undefined, key: {}, ...diff });
    else plan.unchanged = 1;
    return plan;
  }
  const { keys } = options;
  const managed = options.skipDynamic ? rows.filter((row) => !isDynamic(row)) : [...rows];
  // The first row with a key is the match; any later row with the same key is unlisted.
  const byKey = new Map<string, Attributes>();
  for (const row of managed) {
    const key = keyOf(keys, (k) => row[k]);
    if (!byKey.has(key)) byKey.set(key, row);
  }
  const matched = new Set<Attributes>();
  const slotOfRow = new Map<string, Slot>();
  for (const entry of desired.entries) {
    const key = keyValues(keys, (k) => entry[k]);
    const row = byKey.get(keyOf(keys, (k) => entry[k]));
    if (row) {
      matched.add(row);
      const id = row['.id'];
      const slot: Slot = { id, key };
      plan.order.push(slot);
      slotOfRow.set(id, slot);
      const diff = changes(entry, row, keys);
      if (diff) plan.updates.push({ id, key, ...diff });
      else plan.unchanged += 1;
    } else {
      plan.order.push({ add: plan.adds.length, key });
      plan.adds.push({ key, attributes: attributesOf(entry) });
    }
  }
  if (options.unlisted === 'remove') {
    for (const row of managed) {
      if (!matched.has(row)) plan.removes.push({ id: row['.id'], key: keyValues(keys, (k) => row[k]), row });
    }
  }
  // Rows stay where they are; adds go to the end, in the list's order.
  for (const row of managed) {
    const slot = slotOfRow.get(row['.id']);
    if (slot) plan.expectedOrder.push(slot);
  }
  for (const slot of plan.order) if ('add' in slot) plan.expectedOrder.push(slot);
  return plan;
}

/** A `move`: put `subject` right before `before`, or at the end of the table when undefined. */
export interface PlannedMove<T> {
  subject: T;
  before: T | undefined;
}

/**
 * The moves that put `target` (the list's order) into the table whose current order of the same
 * items is `current`: the longest run already in order stays, every other item moves right
 * before its successor in the list, from the last to the first, so each move lands next to an
 * item already in place. Items compare by identity.
 */
export function planMoves<T>(current: readonly T[], target: readonly T[]): Array<PlannedMove<T>> {
  const position = new Map<T, number>();
  current.forEach((item, i) => position.set(item, i));
  const seq = target.map((item) => position.get(item) ?? -1);
  const staying = longestIncreasing(seq);
  const moves: Array<PlannedMove<T>> = [];
  for (let i = target.length - 1; i >= 0; i--) {
    if (staying.has(i)) continue;
    moves.push({ subject: target[i], before: i + 1 < target.length ? target[i + 1] : undefined });
  }
  return moves;
}

/** Indexes of one longest strictly increasing subsequence of `seq` (patience sorting, n log n). */
function longestIncreasing(seq: readonly number[]): Set<number> {
  const tails: number[] = []; // index into seq of the smallest tail of a run of each length
  const prev: number[] = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    if (seq[i] < 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}
