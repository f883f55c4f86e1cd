import { Handler, Words, done, re } from '../context';
import { RouterError } from '../router';
import { PING_PARAMETERS } from './ping';

/**
 * `/console/inspect request=child path=<a,b,c>`: describes the simulator's own menu tree the way
 * RouterOS 7 describes its tree. One `!re` for the node asked about (`type=self`), then one per
 * child (`type=child`), each with `name` and `node-type` (`dir` for a menu with commands, `path`
 * for a menu that only holds menus, `cmd`, `arg`), then `!done`. The shape follows what
 * published tools read from real routers (tikoci/restraml, tikoci/lsp-routeros-ts,
 * quiqxiq/goros's notes from a 7.21.5 router). Not confirmed by those sources, and so chosen
 * here: the root's own row (empty name, `dir`), the order of rows (by name) and of words in a
 * row (`name`, `node-type`, `type`), and an unknown path answering a bare `!done`.
 *
 * The console tree has no API-only words, so `listen` and `getall` are not listed (a real
 * router's `child ip,address` lists print, set, add, ... but not listen). An unknown path
 * answers no rows. Other request kinds (`syntax`, `completion`, `highlight`) answer no rows
 * here; anything else is refused as RouterOS refuses a value outside an argument's choices.
 */

export type MenuTree = Readonly<Record<string, Readonly<Record<string, Handler>>>>;

const API_ONLY = new Set(['getall', 'listen']);
const REQUESTS = new Set(['child', 'syntax', 'completion', 'highlight', 'error']);

/** `print` on any menu: what the simulator's print understands (`proplist` is `.proplist`). */
const PRINT_ARGUMENTS = ['count-only', 'follow', 'follow-only', 'proplist'];

/** Arguments the simulator's handlers accept, by `menu/command` (root commands by name). */
const ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  ping: PING_PARAMETERS,
  'tool/ping': PING_PARAMETERS,
  'console/inspect': ['path', 'request'],
  'interface/set': ['comment', 'disabled', 'mtu', 'name', 'numbers'],
  'interface/enable': ['numbers'],
  'interface/disable': ['numbers'],
  'ip/address/add': ['address', 'comment', 'disabled', 'interface', 'network'],
  'ip/address/set': ['address', 'comment', 'disabled', 'interface', 'numbers'],
  'ip/address/remove': ['numbers'],
  'system/identity/set': ['name'],
};

function argumentsOf(menu: string, command: string): readonly string[] {
  const specific = ARGUMENTS[menu === '' ? command : `${menu}/${command}`];
  if (specific) return specific;
  return command === 'print' ? PRINT_ARGUMENTS : [];
}

function row(type: 'self' | 'child', name: string, nodeType: string): Words {
  return re([
    ['name', name],
    ['node-type', nodeType],
    ['type', type],
  ]);
}

function has(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function visibleCommands(tree: MenuTree, menu: string): string[] {
  return Object.keys(tree[menu]).filter((name) => !API_ONLY.has(name));
}

function menuNodeType(tree: MenuTree, menu: string): string {
  return visibleCommands(tree, menu).length > 0 ? 'dir' : 'path';
}

/** Rows for a menu: itself, its menus and its commands, by name. */
function describeMenu(tree: MenuTree, menu: string): Words[] {
  const name = menu.slice(menu.lastIndexOf('/') + 1);
  const children: Array<[string, string]> = [];
  for (const path of Object.keys(tree)) {
    if (path === '' || path === menu) continue;
    const cut = path.lastIndexOf('/');
    const parent = cut < 0 ? '' : path.slice(0, cut);
    if (parent === menu) children.push([path.slice(cut + 1), menuNodeType(tree, path)]);
  }
  for (const command of visibleCommands(tree, menu)) children.push([command, 'cmd']);
  children.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [row('self', name, menuNodeType(tree, menu)), ...children.map(([n, t]) => row('child', n, t))];
}

/** Rows for `segments`, or none when the simulator has no such menu, command or argument. */
function describe(tree: MenuTree, segments: readonly string[]): Words[] {
  const path = segments.join('/');
  if (has(tree, path)) return describeMenu(tree, path);
  for (const depth of [1, 2]) {
    if (segments.length < depth) break;
    const menu = segments.slice(0, segments.length - depth).join('/');
    const command = segments[segments.length - depth];
    if (!has(tree, menu) || !has(tree[menu], command) || API_ONLY.has(command)) continue;
    const args = argumentsOf(menu, command);
    if (depth === 1) return [row('self', command, 'cmd'), ...[...args].sort().map((a) => row('child', a, 'arg'))];
    const arg = segments[segments.length - 1];
    if (args.includes(arg)) return [row('self', arg, 'arg')];
  }
  return [];
}

export function consoleInspect(tree: () => MenuTree): Handler {
  return (ctx) => {
    const request = ctx.cmd.attrs.get('request');
    if (request === undefined) throw new RouterError('missing value(s) of argument(s) request', 1);
    if (!REQUESTS.has(request)) throw new RouterError('input does not match any value of request', 1);
    if (request !== 'child') {
      ctx.reply(done());
      return;
    }
    const segments = (ctx.cmd.attrs.get('path') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    ctx.reply(...describe(tree(), segments), done());
  };
}
