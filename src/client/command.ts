import { InputError } from './errors';

/** A value a caller may give for an attribute. Booleans become `yes` / `no`. */
export type AttributeValue = string | number | boolean;

export interface CommandParams {
  /** `=name=value` words. */
  attributes?: Record<string, AttributeValue | undefined>;
  /** Query words, each starting with `?` (`?name=ether1`, `?>mtu=1400`, `?#|`). */
  queries?: readonly string[];
  /** Properties to return: a comma list or an array of names. */
  proplist?: string | readonly string[];
}

const PATH_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * Normalises and checks a command path. CLI-style spaces are accepted
 * (`/ip address print` → `/ip/address/print`).
 */
export function normaliseCommand(command: unknown): string {
  if (typeof command !== 'string') {
    throw new InputError(`command must be a string such as "/interface/print", got ${describe(command)}`);
  }
  const trimmed = command.trim();
  if (trimmed === '') throw new InputError('command is empty: give a path such as "/interface/print"');
  if (!trimmed.startsWith('/')) {
    throw new InputError(`command "${trimmed}" must start with "/", as in "/interface/print"`);
  }
  const segments = trimmed.slice(1).split(/[\s/]+/);
  for (const segment of segments) {
    if (!PATH_SEGMENT.test(segment)) {
      throw new InputError(`command "${trimmed}" is not a RouterOS menu path such as "/interface/print"`);
    }
  }
  return '/' + segments.join('/');
}

/** The `=name=value` word for one attribute, after checking both parts. */
export function attributeWord(name: unknown, value: unknown): string {
  if (typeof name !== 'string' || name === '') throw new InputError('attribute name is empty');
  if (name.includes('=')) throw new InputError(`attribute name "${name}" must not contain "="`);
  if (/\s/.test(name)) throw new InputError(`attribute name "${name}" must not contain spaces`);
  if (name === '.tag') throw new InputError('".tag" is set by the tag option, not as an attribute');
  return `=${name}=${attributeValueText(name, value)}`;
}

function attributeValueText(name: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'yes' : 'no';
    case 'number':
      if (!Number.isFinite(value)) throw new InputError(`attribute "${name}" is ${value}, not a finite number`);
      return String(value);
    case 'bigint':
      return value.toString();
    default:
      throw new InputError(`attribute "${name}" must be a string, number or boolean, got ${describe(value)}`);
  }
}

/** Builds the words of a command (without the tag). `params` null or undefined: none. */
export function buildCommandWords(command: unknown, params?: CommandParams | null): string[] {
  const words = [normaliseCommand(command)];
  if (params === undefined || params === null) return words;
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new InputError(
      `command parameters must be an object { attributes, queries, proplist }, got ${describe(params)}`,
    );
  }
  const { attributes, queries, proplist } = params;
  if (attributes !== undefined) {
    if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
      throw new InputError(`attributes must be an object of name → value, got ${describe(attributes)}`);
    }
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined) continue;
      words.push(attributeWord(name, value));
    }
  }
  if (proplist !== undefined) {
    const names = proplistNames(proplist);
    if (names.length > 0) words.push(`=.proplist=${names.join(',')}`);
  }
  if (queries !== undefined) {
    if (!Array.isArray(queries)) throw new InputError(`queries must be an array of strings, got ${describe(queries)}`);
    for (const query of queries as unknown[]) {
      if (typeof query !== 'string' || !query.startsWith('?') || query.length < 2) {
        throw new InputError(`query ${JSON.stringify(query)} must be a string such as "?name=ether1"`);
      }
      words.push(query);
    }
  }
  return words;
}

function proplistNames(proplist: unknown): string[] {
  const list = typeof proplist === 'string' ? proplist.split(',') : proplist;
  if (!Array.isArray(list))
    throw new InputError(`proplist must be a comma list or an array, got ${describe(proplist)}`);
  const names: string[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'string') throw new InputError(`proplist entry ${describe(item)} is not a string`);
    const name = item.trim();
    if (name === '') continue;
    if (/[=,\s]/.test(name)) throw new InputError(`proplist entry "${name}" is not a property name`);
    names.push(name);
  }
  return names;
}

const TAG_TEXT = /^[\x20-\x7e]+$/;

/**
 * Checks a caller-chosen tag. Printable ASCII only: it reads back the same in every text
 * encoding, so the router's replies find their command (a tag that changed on the way, say a
 * lone surrogate or a character windows-1252 lacks, would leave the call waiting for ever).
 */
export function checkTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag === '')
    throw new InputError(`tag must be a non-empty string, got ${describe(tag)}`);
  if (!TAG_TEXT.test(tag)) {
    throw new InputError(`tag ${describe(tag)} must be printable ASCII (letters, digits, spaces, punctuation)`);
  }
  return tag;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
