import { Handler, Words, trap } from '../context';
import { addressListMenu } from './address-list';
import { consoleInspect } from './console';
import { dnsMenu, dnsStaticMenu } from './dns';
import { filterMenu } from './filter';
import { interfaceMenu } from './interface';
import { ipAddressMenu } from './ip-address';
import { monitorTraffic } from './monitor-traffic';
import { ping } from './ping';
import { identityMenu, resourceMenu } from './system';
import { userActiveMenu } from './user';

/**
 * The menu tree: menu path → its commands. Menus with no commands of their own are listed so
 * that paths through them resolve. `/login`, `/cancel` and `/quit` belong to the session.
 */
const MENUS: Record<string, Record<string, Handler>> = {
  '': { ping },
  console: { inspect: consoleInspect(() => MENUS) },
  interface: { ...interfaceMenu, 'monitor-traffic': monitorTraffic },
  ip: {},
  'ip/address': ipAddressMenu,
  'ip/dns': dnsMenu,
  'ip/dns/static': dnsStaticMenu,
  'ip/firewall': {},
  'ip/firewall/address-list': addressListMenu,
  'ip/firewall/filter': filterMenu,
  system: {},
  'system/identity': identityMenu,
  'system/resource': resourceMenu,
  tool: { ping },
  user: {},
  'user/active': userActiveMenu,
};

export type Resolution = { handler: Handler } | { traps: Words[] };

/** Commands that change configuration: the router counts them per session (SimRouter.writeCount). */
const WRITE_COMMANDS = new Set(['add', 'set', 'remove', 'move', 'unset', 'enable', 'disable', 'reset', 'comment']);

function counted(handler: Handler): Handler {
  return (ctx) => {
    ctx.router.countWrite(ctx.session.id);
    handler(ctx);
  };
}

/**
 * Finds the handler for a command path. The failures are worded as RouterOS 7 words them: a
 * path through a missing menu gets two traps, `no such command or directory (<part>)` (category
 * 0) and `no such command prefix` (a real router's transcript shows exactly this pair); a known
 * menu without that command gets `no such command`.
 */
export function resolveCommand(path: string): Resolution {
  if (!path.startsWith('/')) return { traps: [trap('no such command')] };
  const parts = path.slice(1).split('/');
  const name = parts.pop() as string;
  let menu = '';
  for (const part of parts) {
    const next = menu === '' ? part : `${menu}/${part}`;
    if (!Object.prototype.hasOwnProperty.call(MENUS, next)) {
      return { traps: [trap(`no such command or directory (${part})`, 0), trap('no such command prefix')] };
    }
    menu = next;
  }
  const commands = MENUS[menu];
  const handler = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!handler) return { traps: [trap('no such command')] };
  return { handler: WRITE_COMMANDS.has(name) ? counted(handler) : handler };
}
