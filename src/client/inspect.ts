import type { Attributes } from '../protocol';
import type { CallOptions, CallResult } from './client';
import type { CommandParams } from './command';
import { InputError } from './errors';

/**
 * RouterOS 7 describes its own command tree with `/console/inspect request=child path=<p>`,
 * where `<p>` is the menu path as a comma-separated list (`ip,address`; empty for the root).
 * The router answers one `!re` per node: first the node asked about (`type=self`), then one per
 * child (`type=child`), each with `name` and `node-type`: `dir` or `path` for a menu, `cmd` for
 * a command, `arg` for an argument. Some builds put the kind in `type` instead of `node-type`,
 * so both are read. RouterOS 6 has no `/console/inspect` and answers `!trap`.
 */

/** What a child of a menu or command is, in the words the editor uses. */
export type InspectKind = 'menu' | 'command' | 'argument';

export interface InspectItem {
  name: string;
  type: InspectKind;
}

/** Anything that runs one command and collects its reply: a RouterOSClient or RouterOSSession. */
export interface CommandRunner {
  call(command: unknown, params?: CommandParams, options?: CallOptions): Promise<CallResult>;
}

/** The one command inspection runs; nothing else is ever sent. */
export const INSPECT_COMMAND = '/console/inspect';

/** A menu, command or argument name as RouterOS spells them: lower case, digits and dashes. */
export const MENU_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

const KINDS: Readonly<Record<string, InspectKind>> = {
  dir: 'menu',
  path: 'menu',
  cmd: 'command',
  arg: 'argument',
};

const KIND_ORDER: Readonly<Record<InspectKind, number>> = { menu: 0, command: 1, argument: 2 };

/**
 * The `path=` value for a list of names. Each name is checked, so nothing but menu names (no
 * commas, which would split into more path elements, no spaces, no `=`) reaches the router.
 */
export function inspectPathValue(segments: readonly string[]): string {
  for (const segment of segments) {
    if (!MENU_NAME.test(segment)) {
      throw new InputError(`"${segment}" is not a RouterOS menu name`, 'EINSPECTPATH');
    }
  }
  return segments.join(',');
}

/** The children in a `request=child` reply: menus, then commands, then arguments, each by name. */
export function parseInspectChildren(rows: readonly Attributes[]): InspectItem[] {
  const seen = new Set<string>();
  const items: InspectItem[] = [];
  for (const row of rows) {
    if (row.type === 'self') continue;
    const nodeType = row['node-type'] ?? row.type;
    // Own keys only: a row saying node-type=constructor must not find Object's.
    const kind = nodeType !== undefined && Object.hasOwn(KINDS, nodeType) ? KINDS[nodeType] : undefined;
    const name = row.name;
    if (!kind || !name || !MENU_NAME.test(name)) continue;
    const key = `${kind}:${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({ name, type: kind });
  }
  return sortItems(items);
}

export function sortItems(items: InspectItem[]): InspectItem[] {
  return items.sort(
    (a, b) => KIND_ORDER[a.type] - KIND_ORDER[b.type] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** Asks the router what is below `segments` (`[]` is the root). Rejects as the call does. */
export async function inspectChildren(
  runner: CommandRunner,
  segments: readonly string[],
  options: CallOptions = {},
): Promise<InspectItem[]> {
  const path = inspectPathValue(segments);
  const result = await runner.call(INSPECT_COMMAND, { attributes: { request: 'child', path } }, options);
  return parseInspectChildren(result.rows);
}
