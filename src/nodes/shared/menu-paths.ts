import { InspectItem, sortItems } from '../../client/inspect';

/**
 * The bundled fallback for editor completion: common RouterOS 7 menus with the commands the
 * API accepts there, and argument names for the commands used most. It is what the edit dialog
 * offers when the router cannot be asked (connection not deployed or not connected, RouterOS 6
 * without /console/inspect, no answer in time). It is deliberately incomplete: a router that
 * answers /console/inspect always wins.
 *
 * Menu kinds:
 * - `group`: only holds other menus (`/ip`, `/routing`);
 * - `table`: a list of items (add, set, remove, enable, disable, comment, print, listen, ...);
 * - `settings`: one set of values (print, set, get, listen);
 * - `status`: read-only state (print, get, listen).
 * A fourth field adds menu-specific commands, space separated.
 */
type MenuKind = 'group' | 'table' | 'settings' | 'status';

const COMMANDS: Readonly<Record<MenuKind, readonly string[]>> = {
  group: [],
  table: ['add', 'comment', 'disable', 'enable', 'export', 'get', 'listen', 'print', 'remove', 'set'],
  settings: ['export', 'get', 'listen', 'print', 'set'],
  status: ['get', 'listen', 'print'],
};

const MENUS: ReadonlyArray<readonly [path: string, kind: MenuKind, extra?: string]> = [
  ['', 'group', 'ping'],
  ['certificate', 'table', 'sign import'],
  ['container', 'table', 'start stop'],
  ['container/config', 'settings'],
  ['disk', 'table', 'format-drive'],
  ['file', 'table'],
  ['interface', 'table', 'monitor-traffic reset-counters'],
  ['interface/bonding', 'table'],
  ['interface/bridge', 'table'],
  ['interface/bridge/host', 'status'],
  ['interface/bridge/port', 'table'],
  ['interface/bridge/settings', 'settings'],
  ['interface/bridge/vlan', 'table'],
  ['interface/eoip', 'table'],
  ['interface/ethernet', 'table', 'monitor reset-counters blink cable-test'],
  ['interface/ethernet/switch', 'table'],
  ['interface/gre', 'table'],
  ['interface/l2tp-client', 'table', 'monitor'],
  ['interface/list', 'table'],
  ['interface/list/member', 'table'],
  ['interface/lte', 'table', 'monitor'],
  ['interface/ovpn-client', 'table', 'monitor'],
  ['interface/pppoe-client', 'table', 'monitor'],
  ['interface/pppoe-server/server', 'table'],
  ['interface/sstp-client', 'table', 'monitor'],
  ['interface/veth', 'table'],
  ['interface/vlan', 'table'],
  ['interface/vrrp', 'table', 'monitor'],
  ['interface/vxlan', 'table'],
  ['interface/wifi', 'table', 'monitor scan'],
  ['interface/wifi/registration-table', 'status'],
  ['interface/wireguard', 'table'],
  ['interface/wireguard/peers', 'table'],
  ['interface/wireless', 'table', 'monitor scan'],
  ['interface/wireless/registration-table', 'status'],
  ['ip', 'group'],
  ['ip/address', 'table'],
  ['ip/arp', 'table'],
  ['ip/cloud', 'settings', 'force-update'],
  ['ip/dhcp-client', 'table', 'release renew'],
  ['ip/dhcp-relay', 'table'],
  ['ip/dhcp-server', 'table'],
  ['ip/dhcp-server/lease', 'table', 'make-static'],
  ['ip/dhcp-server/network', 'table'],
  ['ip/dns', 'settings'],
  ['ip/dns/cache', 'status', 'flush'],
  ['ip/dns/static', 'table'],
  ['ip/firewall/address-list', 'table'],
  ['ip/firewall/connection', 'status', 'remove'],
  ['ip/firewall/filter', 'table', 'reset-counters'],
  ['ip/firewall/layer7-protocol', 'table'],
  ['ip/firewall/mangle', 'table', 'reset-counters'],
  ['ip/firewall/nat', 'table', 'reset-counters'],
  ['ip/firewall/raw', 'table', 'reset-counters'],
  ['ip/firewall/service-port', 'table'],
  ['ip/hotspot', 'table'],
  ['ip/hotspot/active', 'status', 'remove'],
  ['ip/hotspot/user', 'table'],
  ['ip/ipsec/active-peers', 'status', 'remove'],
  ['ip/ipsec/identity', 'table'],
  ['ip/ipsec/peer', 'table'],
  ['ip/ipsec/policy', 'table'],
  ['ip/ipsec/profile', 'table'],
  ['ip/ipsec/proposal', 'table'],
  ['ip/neighbor', 'status'],
  ['ip/neighbor/discovery-settings', 'settings'],
  ['ip/pool', 'table'],
  ['ip/pool/used', 'status'],
  ['ip/proxy', 'settings'],
  ['ip/route', 'table'],
  ['ip/service', 'table'],
  ['ip/settings', 'settings'],
  ['ip/smb', 'settings'],
  ['ip/socks', 'settings'],
  ['ip/ssh', 'settings'],
  ['ip/traffic-flow', 'settings'],
  ['ip/upnp', 'settings'],
  ['ip/vrf', 'table'],
  ['ipv6', 'group'],
  ['ipv6/address', 'table'],
  ['ipv6/dhcp-client', 'table', 'release renew'],
  ['ipv6/dhcp-server', 'table'],
  ['ipv6/firewall/address-list', 'table'],
  ['ipv6/firewall/filter', 'table', 'reset-counters'],
  ['ipv6/firewall/mangle', 'table', 'reset-counters'],
  ['ipv6/firewall/nat', 'table', 'reset-counters'],
  ['ipv6/firewall/raw', 'table', 'reset-counters'],
  ['ipv6/nd', 'table'],
  ['ipv6/neighbor', 'status'],
  ['ipv6/pool', 'table'],
  ['ipv6/route', 'table'],
  ['ipv6/settings', 'settings'],
  ['log', 'status'],
  ['ppp/active', 'status', 'remove'],
  ['ppp/profile', 'table'],
  ['ppp/secret', 'table'],
  ['queue/simple', 'table', 'reset-counters'],
  ['queue/tree', 'table', 'reset-counters'],
  ['queue/type', 'table'],
  ['radius', 'table'],
  ['routing/bgp/connection', 'table'],
  ['routing/bgp/session', 'status'],
  ['routing/bgp/template', 'table'],
  ['routing/filter/rule', 'table'],
  ['routing/ospf/area', 'table'],
  ['routing/ospf/instance', 'table'],
  ['routing/ospf/interface-template', 'table'],
  ['routing/ospf/neighbor', 'status'],
  ['routing/rule', 'table'],
  ['routing/table', 'table'],
  ['snmp', 'settings'],
  ['snmp/community', 'table'],
  ['system', 'group', 'reboot shutdown'],
  ['system/backup', 'group', 'save load'],
  ['system/clock', 'settings'],
  ['system/health', 'status'],
  ['system/history', 'status'],
  ['system/identity', 'settings'],
  ['system/license', 'status'],
  ['system/logging', 'table'],
  ['system/logging/action', 'table'],
  ['system/note', 'settings'],
  ['system/ntp/client', 'settings'],
  ['system/ntp/server', 'settings'],
  ['system/package', 'status', 'disable enable uninstall'],
  ['system/package/update', 'settings', 'check-for-updates download install'],
  ['system/resource', 'status', 'monitor'],
  ['system/resource/cpu', 'status'],
  ['system/routerboard', 'status', 'upgrade'],
  ['system/routerboard/settings', 'settings'],
  ['system/scheduler', 'table'],
  ['system/script', 'table', 'run'],
  ['system/script/environment', 'table'],
  ['system/script/job', 'status', 'remove'],
  ['tool', 'group', 'bandwidth-test fetch ping profile torch traceroute wol'],
  ['tool/bandwidth-server', 'settings'],
  ['tool/e-mail', 'settings', 'send'],
  ['tool/graphing', 'settings'],
  ['tool/mac-server', 'settings'],
  ['tool/netwatch', 'table'],
  ['tool/romon', 'settings'],
  ['tool/sniffer', 'settings', 'start stop save'],
  ['user', 'table'],
  ['user/active', 'status'],
  ['user/group', 'table'],
  ['user/ssh-keys', 'table'],
];

/** Arguments for a command on any menu, by command name. */
const COMMON_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  add: ['comment', 'copy-from', 'disabled'],
  comment: ['comment', 'numbers'],
  disable: ['numbers'],
  enable: ['numbers'],
  export: ['compact', 'file', 'show-sensitive', 'terse', 'verbose'],
  get: ['number', 'value-name'],
  print: ['count-only', 'follow', 'follow-only', 'interval'],
  remove: ['numbers'],
  set: ['comment', 'disabled', 'numbers'],
};

const FIREWALL_RULE = [
  'action',
  'chain',
  'comment',
  'connection-state',
  'disabled',
  'dst-address',
  'dst-address-list',
  'dst-port',
  'in-interface',
  'in-interface-list',
  'jump-target',
  'log',
  'log-prefix',
  'out-interface',
  'out-interface-list',
  'place-before',
  'protocol',
  'src-address',
  'src-address-list',
  'src-port',
];
const PING = [
  'address',
  'arp-ping',
  'count',
  'do-not-fragment',
  'dscp',
  'interface',
  'interval',
  'routing-table',
  'size',
  'src-address',
  'ttl',
  'vrf',
];

/**
 * Arguments of particular menus' commands (`menu/command` → names), merged with the common
 * ones. `add` entries also serve `set` on the same menu.
 */
const MENU_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  ping: PING,
  'tool/ping': PING,
  'tool/traceroute': ['address', 'count', 'interface', 'max-hops', 'protocol', 'size', 'src-address', 'timeout'],
  'tool/fetch': ['dst-path', 'http-data', 'http-header-field', 'http-method', 'mode', 'output', 'url'],
  'interface/set': ['mtu', 'name'],
  'interface/monitor-traffic': ['interface', 'once'],
  'interface/ethernet/monitor': ['numbers', 'once'],
  'interface/bridge/add': ['name', 'protocol-mode', 'vlan-filtering'],
  'interface/bridge/port/add': ['bridge', 'interface', 'pvid'],
  'interface/list/member/add': ['interface', 'list'],
  'interface/vlan/add': ['interface', 'mtu', 'name', 'vlan-id'],
  'interface/wireguard/peers/add': ['allowed-address', 'endpoint-address', 'endpoint-port', 'interface', 'public-key'],
  'ip/address/add': ['address', 'interface', 'network'],
  'ip/dhcp-server/lease/add': ['address', 'mac-address', 'server'],
  'ip/dns/set': ['allow-remote-requests', 'servers'],
  'ip/dns/static/add': ['address', 'name', 'ttl', 'type'],
  'ip/firewall/address-list/add': ['address', 'list', 'timeout'],
  'ip/firewall/filter/add': FIREWALL_RULE,
  'ip/firewall/mangle/add': [...FIREWALL_RULE, 'new-connection-mark', 'new-packet-mark', 'new-routing-mark'],
  'ip/firewall/nat/add': [...FIREWALL_RULE, 'to-addresses', 'to-ports'],
  'ip/firewall/raw/add': FIREWALL_RULE,
  'ip/pool/add': ['name', 'ranges'],
  'ip/route/add': ['check-gateway', 'distance', 'dst-address', 'gateway', 'routing-table', 'scope', 'target-scope'],
  'ipv6/address/add': ['address', 'advertise', 'interface'],
  'ipv6/route/add': ['distance', 'dst-address', 'gateway'],
  'queue/simple/add': ['max-limit', 'name', 'target'],
  'system/identity/set': ['name'],
  'system/clock/set': ['time-zone-autodetect', 'time-zone-name'],
  'system/scheduler/add': ['interval', 'name', 'on-event', 'policy', 'start-date', 'start-time'],
  'system/script/add': ['name', 'policy', 'source'],
  'system/script/run': ['number'],
  'tool/e-mail/send': ['body', 'subject', 'to'],
  'tool/netwatch/add': ['host', 'interval', 'type'],
  'user/add': ['address', 'group', 'name', 'password'],
  'user/group/add': ['name', 'policy'],
};

interface MenuEntry {
  commands: Set<string>;
  menus: Set<string>;
}

/** The tree built once from MENUS: every menu path (with implied parents) → its children. */
const TREE: ReadonlyMap<string, MenuEntry> = (() => {
  const tree = new Map<string, MenuEntry>();
  const entry = (path: string): MenuEntry => {
    let found = tree.get(path);
    if (!found) {
      found = { commands: new Set(), menus: new Set() };
      tree.set(path, found);
      if (path !== '') {
        const cut = path.lastIndexOf('/');
        entry(cut < 0 ? '' : path.slice(0, cut)).menus.add(path.slice(cut + 1));
      }
    }
    return found;
  };
  for (const [path, kind, extra] of MENUS) {
    const menu = entry(path);
    for (const command of COMMANDS[kind]) menu.commands.add(command);
    for (const command of extra ? extra.split(' ') : []) menu.commands.add(command);
  }
  return tree;
})();

function argumentsOf(menu: string, command: string): string[] {
  const key = menu === '' ? command : `${menu}/${command}`;
  const specific = MENU_ARGUMENTS[key] ?? (command === 'set' ? MENU_ARGUMENTS[`${menu}/add`] : undefined) ?? [];
  return [...new Set([...(COMMON_ARGUMENTS[command] ?? []), ...specific])];
}

/**
 * What the bundled list knows below a path (`[]` is the root): a menu's menus and commands, or
 * a command's arguments; `[]` for anything it does not know.
 */
export function bundledChildren(segments: readonly string[]): InspectItem[] {
  const path = segments.join('/');
  const menu = TREE.get(path);
  if (menu) {
    return sortItems([
      ...[...menu.menus].map((name): InspectItem => ({ name, type: 'menu' })),
      ...[...menu.commands].map((name): InspectItem => ({ name, type: 'command' })),
    ]);
  }
  if (segments.length === 0) return [];
  const parent = segments.slice(0, -1).join('/');
  const command = segments[segments.length - 1];
  if (!TREE.get(parent)?.commands.has(command)) return [];
  return sortItems(argumentsOf(parent, command).map((name): InspectItem => ({ name, type: 'argument' })));
}
