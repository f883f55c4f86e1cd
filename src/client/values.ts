import type { Attributes } from '../protocol';

export type ParsedValue = string | number | boolean;
export type ParsedRow = Record<string, ParsedValue>;

const PLAIN_INTEGER = /^-?(0|[1-9][0-9]{0,14})$/;

/**
 * Converts `true`/`false`/`yes`/`no` to booleans and plain integers (no leading zeros, safe
 * size) to numbers. Everything else (durations, ids like `*1`, `auto`, addresses) stays text.
 */
export function parseValue(value: string): ParsedValue {
  switch (value) {
    case 'true':
    case 'yes':
      return true;
    case 'false':
    case 'no':
      return false;
  }
  return PLAIN_INTEGER.test(value) ? Number(value) : value;
}

export function parseRowValues(row: Attributes): ParsedRow {
  const out: ParsedRow = {};
  for (const key of Object.keys(row)) {
    const value = parseValue(row[key]);
    if (key === '__proto__')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
