import { InputError, normaliseCommand } from '../client';
import { DesiredValue, canonical, sameValue, wireValue } from './values';

/** One desired entry: property → value. */
export type DesiredEntry = Record<string, DesiredValue>;

/** How an ensure run is asked for (the node's configuration with the message's overrides). */
export interface EnsureOptions {
  /** A menu such as `/ip/firewall/address-list`. */
  path: string;
  /** The properties that identify an entry; empty for a one-object menu such as `/ip/dns`. */
  keys: readonly string[];
  /** What to do with entries on the router that the list does not name. */
  unlisted: 'keep' | 'remove';
  /** Queries (`?list=blocked`) that limit which entries are read and may be touched. */
  restrict: readonly string[];
  /** Leave dynamic and built-in entries alone (never changed, removed or matched). */
  skipDynamic: boolean;
  /** Make the router's order of the listed entries the list's order (with `move`). */
  keepOrder: boolean;
  /** Work out and report the changes, send none. */
  dryRun: boolean;
  /** Refuse, changing nothing, when more adds + updates + removes would be needed. */
  maxChanges?: number;
}

/** The desired state, checked: a list of entries, or the one object of a one-object menu. */
export type Desired = { kind: 'list'; entries: DesiredEntry[] } | { kind: 'single'; entry: DesiredEntry };

/** `?list=blocked` → ['list', 'blocked']; other queries (`?>mtu=1400`, `?#|`) give nothing. */
export function restrictEquality(query: string): [string, string] | undefined {
  const m = /^\?([A-Za-z0-9][A-Za-z0-9._-]*)=(.*)$/.exec(query);
  return m ? [m[1], m[2]] : undefined;
}

/** The menu path without a trailing slash, checked as a command path is. */
export function menuPath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new InputError('no path: set the menu, such as "/ip/firewall/address-list"');
  }
  return normaliseCommand(path).replace(/\/+$/, '');
}

function describeEntry(index: number): string {
  return `entry ${index + 1}`;
}

function checkEntry(value: unknown, where: string): DesiredEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${where} must be an object of property → value`);
  }
  const entry: DesiredEntry = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (name === '' || name.includes('=') || name.startsWith('.')) {
      throw new InputError(`${where} has a property named "${name}", which cannot be set`);
    }
    if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
      throw new InputError(`${where}: "${name}" must be a string, number or boolean`);
    }
    entry[name] = v;
  }
  return entry;
}

/** The identity of an entry: its key values, compared as RouterOS prints them. */
export function keyOf(keys: readonly string[], get: (name: string) => DesiredValue | undefined): string {
  return keys.map((k) => canonical(get(k))).join('\u0000');
}

/** The key values as text, for the report: `{ list: 'blocked', address: '203.0.113.7' }`. */
export function keyValues(
  keys: readonly string[],
  get: (name: string) => DesiredValue | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = get(k);
    out[k] = v === undefined ? '' : wireValue(v);
  }
  return out;
}

/**
 * Checks the payload against the options before anything is sent: objects with plain values,
 * every key present, no two entries with the same key, nothing outside `restrict`. Simple
 * `?name=value` restricts fill in that property where an entry leaves it out, so an added entry
 * stays inside what the next run reads.
 */
export function checkDesired(payload: unknown, options: EnsureOptions): Desired {
  const { keys } = options;
  if (keys.length === 0) {
    if (Array.isArray(payload)) {
      throw new InputError('no keys are set, so msg.payload must be one object (a one-object menu such as /ip/dns)');
    }
    return { kind: 'single', entry: checkEntry(payload, 'msg.payload') };
  }
  if (!Array.isArray(payload)) {
    throw new InputError('msg.payload must be an array of entries (objects of property → value)');
  }
  const defaults = options.restrict.map(restrictEquality).filter((r): r is [string, string] => r !== undefined);
  const seen = new Map<string, number>();
  const entries = payload.map((raw: unknown, index) => {
    const where = describeEntry(index);
    const given = checkEntry(raw, where);
    const entry: DesiredEntry = {};
    for (const [name, value] of defaults) {
      if (given[name] !== undefined && !sameValue(given[name], value)) {
        throw new InputError(`${where} has ${name}=${wireValue(given[name])}, outside the restrict ?${name}=${value}`);
      }
      entry[name] = value;
    }
    Object.assign(entry, given);
    for (const k of keys) {
      if (entry[k] === undefined || wireValue(entry[k]).trim() === '') {
        throw new InputError(`${where} has no "${k}", one of the keys (${keys.join(', ')})`);
      }
    }
    const key = keyOf(keys, (k) => entry[k]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const shown = Object.entries(keyValues(keys, (k) => entry[k]))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      throw new InputError(`${describeEntry(earlier)} and ${where} have the same key ${shown}`);
    }
    seen.set(key, index);
    return entry;
  });
  return { kind: 'list', entries };
}

/** Splits a keys setting (`list,address` or `list address`) into names. */
export function parseKeys(setting: unknown): string[] {
  if (Array.isArray(setting))
    return setting
      .map(String)
      .filter((k) => k.trim() !== '')
      .map((k) => k.trim());
  return String(setting ?? '')
    .split(/[\s,]+/)
    .filter((k) => k !== '');
}

/**
 * Splits a restrict setting into queries: one per line, or separated by spaces before a `?`
 * (so a value may hold spaces: `?comment=from the feed`).
 */
export function parseRestrict(setting: unknown): string[] {
  const items = Array.isArray(setting) ? setting.map(String) : String(setting ?? '').split(/\n|\s+(?=\?)/);
  const queries = items.map((q) => q.trim()).filter((q) => q !== '');
  for (const q of queries) {
    if (!q.startsWith('?')) throw new InputError(`restrict query "${q}" must start with "?", as in "?list=blocked"`);
  }
  return queries;
}
