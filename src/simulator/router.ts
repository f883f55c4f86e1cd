import { EventEmitter } from 'node:events';
import { isIPv4 } from 'node:net';
import { formatId, formatTimestamp, formatUptime } from './format';
import { arrangeInterfaceRow, linkChange, newInterfaceFields, trafficSince, zeroCounters } from './interface-row';

/** One item of a menu: property name → value, in the order the router prints them. */
export type Row = Map<string, string>;

export interface ChangeEvent {
  /** Menu path of the table: `interface`, `ip/address`, `user/active`. */
  table: string;
  kind: 'add' | 'set' | 'remove';
  id: string;
  /** A copy of the item after the change (before it, for `remove`). */
  row: ReadonlyMap<string, string>;
}

/**
 * A refusal the router answers with `!trap`. Router methods throw it; command handlers turn it
 * into `!trap =category=N =message=...` followed by `!done`.
 */
export class RouterError extends Error {
  readonly category: number | undefined;
  constructor(message: string, category?: number) {
    super(message);
    this.name = 'RouterError';
    this.category = category;
  }
}

export const NO_SUCH_ITEM = 'no such item';

/**
 * Reads a boolean argument the way the router's CLI and API accept it (yes/no/true/false);
 * undefined otherwise. The router prints booleans as true/false in every menu.
 */
function parseBoolean(value: string): boolean | undefined {
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  return undefined;
}

/** An ordered list of items with `.id`s, which reports every change to its router. */
export class Table {
  readonly name: string;
  private readonly items: Row[] = [];
  /** `.id` → item, so a set or remove on a 50,000-entry table does not scan it. */
  private readonly byId = new Map<string, Row>();
  private nextId = 1;
  private readonly notify: (event: ChangeEvent) => void;
  /** Puts a changed item's properties in the menu's print order (identity when absent). */
  private readonly arrange: ((row: ReadonlyMap<string, string>) => Row) | undefined;

  constructor(name: string, notify: (event: ChangeEvent) => void, arrange?: (row: ReadonlyMap<string, string>) => Row) {
    this.name = name;
    this.notify = notify;
    this.arrange = arrange;
  }

  get size(): number {
    return this.items.length;
  }

  /** The items in print order. Do not mutate them: use update(). */
  rows(): readonly Row[] {
    return this.items;
  }

  /** Finds an item by `.id` (`*1`) or, like a real router, by its `name`. */
  find(idOrName: string): Row | undefined {
    return this.byId.get(idOrName) ?? this.items.find((row) => row.get('name') === idOrName);
  }

  /** Like find, but throws `no such item`. */
  require(idOrName: string): Row {
    const row = this.find(idOrName);
    if (!row) throw new RouterError(NO_SUCH_ITEM);
    return row;
  }

  /** Adds an item (its `.id` is allocated here and comes first); returns the new `.id`. */
  add(fields: Iterable<[string, string]>): string {
    const id = formatId(this.nextId++);
    let row: Row = new Map([['.id', id]]);
    for (const [k, v] of fields) if (k !== '.id') row.set(k, v);
    if (this.arrange) row = this.arrange(row);
    this.items.push(row);
    this.byId.set(id, row);
    this.notify({ table: this.name, kind: 'add', id, row: new Map(row) });
    return id;
  }

  /**
   * Applies changes (existing properties keep their place; new ones go last, or where the
   * menu's order puts them). Like a router, it reports a change only when a value really changed.
   */
  update(idOrName: string, changes: Iterable<[string, string]>): void {
    const row = this.require(idOrName);
    let changed = false;
    let added = false;
    for (const [k, v] of changes) {
      if (k === '.id' || row.get(k) === v) continue;
      added ||= !row.has(k);
      row.set(k, v);
      changed = true;
    }
    if (!changed) return;
    if (added && this.arrange) this.reorder(row);
    this.notify({ table: this.name, kind: 'set', id: row.get('.id') as string, row: new Map(row) });
  }

  /**
   * Changes values without reporting them: for counters that move all the time, which a
   * router's `listen` does not stream either.
   */
  refresh(idOrName: string, changes: Iterable<[string, string]>): void {
    const row = this.require(idOrName);
    for (const [k, v] of changes) if (k !== '.id') row.set(k, v);
  }

  /** Rewrites the item's Map in the menu's order, keeping the same object (callers hold it). */
  private reorder(row: Row): void {
    if (!this.arrange) return;
    const arranged = [...this.arrange(row).entries()];
    row.clear();
    for (const [k, v] of arranged) row.set(k, v);
  }

  /** Removes a property from an item (e.g. an emptied comment). */
  unset(idOrName: string, property: string): void {
    const row = this.require(idOrName);
    if (row.delete(property)) {
      this.notify({ table: this.name, kind: 'set', id: row.get('.id') as string, row: new Map(row) });
    }
  }

  remove(idOrName: string): void {
    const row = this.require(idOrName);
    this.items.splice(this.items.indexOf(row), 1);
    this.byId.delete(row.get('.id') as string);
    this.notify({ table: this.name, kind: 'remove', id: row.get('.id') as string, row: new Map(row) });
  }

  /**
   * `move`: puts the items, in the order given, right before `destination` (or at the end of the
   * table when it is undefined). Every id is checked first, so a bad one moves nothing.
   */
  move(ids: readonly string[], destination: string | undefined): void {
    const moving = ids.map((id) => this.require(id));
    const before = destination === undefined ? undefined : this.require(destination);
    if (before && moving.includes(before)) return;
    for (const row of moving) this.items.splice(this.items.indexOf(row), 1);
    const at = before ? this.items.indexOf(before) : this.items.length;
    this.items.splice(at, 0, ...moving);
  }
}

export interface RouterInit {
  identity?: string;
}

const INTERFACE_SETTABLE = new Set(['name', 'mtu', 'disabled', 'comment']);
const ADDRESS_SETTABLE = new Set(['address', 'interface', 'comment', 'disabled']);

/** Static parts of `/system/resource/print`, like a CHR running 7.18.2. */
const RESOURCE_STATIC = {
  version: '7.18.2 (stable)',
  'build-time': '2025-03-11 11:59:04',
  'factory-software': '7.1',
  'total-memory': 1_073_741_824,
  cpu: 'QEMU',
  'cpu-count': '2',
  'cpu-frequency': '2400',
  'total-hdd-space': '134217728',
  'architecture-name': 'x86_64',
  'board-name': 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
  platform: 'MikroTik',
};

/**
 * The in-memory RouterOS 7 model behind the simulator. Tests may change it directly
 * (`router.setInterface('ether1', { disabled: 'yes' })`); every change is emitted as a `change`
 * event, which is what `listen` commands stream. Values are strings, as on the wire; booleans
 * are `true`/`false` in every menu, as RouterOS 6.4x and 7 print them.
 */
export class SimRouter extends EventEmitter {
  identity: string;
  readonly interfaces: Table;
  readonly addresses: Table;
  readonly activeUsers: Table;
  readonly addressLists: Table;
  readonly filterRules: Table;
  readonly dnsStatic: Table;
  /** `/ip/dns`, a one-object menu: its one row, without `.id`. */
  readonly dns: Row = new Map([
    ['servers', ''],
    ['dynamic-servers', ''],
    ['use-doh-server', ''],
    ['verify-doh-cert', 'false'],
    ['allow-remote-requests', 'false'],
    ['max-udp-packet-size', '4096'],
    ['query-server-timeout', '2s'],
    ['query-total-timeout', '10s'],
    ['max-concurrent-queries', '100'],
    ['max-concurrent-tcp-sessions', '20'],
    ['cache-size', '2048'],
    ['cache-max-ttl', '1w'],
    ['cache-used', '31'],
  ]);
  /** Write commands (add, set, remove, move, ...) each session has sent, by session number. */
  private readonly writes = new Map<number, number>();
  /** When the router (re)booted; uptime counts from here. */
  bootTime = Date.now();
  private cpuLoad = 3;
  private writeSectors = 0;
  /** When the interface counters last moved (see refreshTraffic). */
  private trafficAt = Date.now();
  private interfacesMade = 0;
  /** Events held back while a command runs, so its reply goes out before its side effects. */
  private held: ChangeEvent[] | undefined;

  constructor(init: RouterInit = {}) {
    super();
    this.setMaxListeners(0);
    this.identity = init.identity ?? 'MikroTik';
    const notify = (event: ChangeEvent): void => this.notify(event);
    this.interfaces = new Table('interface', notify, arrangeInterfaceRow);
    this.addresses = new Table('ip/address', notify);
    this.activeUsers = new Table('user/active', notify);
    this.addressLists = new Table('ip/firewall/address-list', notify);
    this.filterRules = new Table('ip/firewall/filter', notify);
    this.dnsStatic = new Table('ip/dns/static', notify);
    seedFirewall(this);
    for (const name of ['ether1', 'ether2']) this.addInterface({ name, 'default-name': name });
  }

  /** Looks up a table by menu path. */
  table(menu: string): Table | undefined {
    switch (menu) {
      case 'interface':
        return this.interfaces;
      case 'ip/address':
        return this.addresses;
      case 'user/active':
        return this.activeUsers;
      case 'ip/firewall/address-list':
        return this.addressLists;
      case 'ip/firewall/filter':
        return this.filterRules;
      case 'ip/dns/static':
        return this.dnsStatic;
      default:
        return undefined;
    }
  }

  /**
   * What `print` on a menu would return, as plain objects (for tests): `print('/ip/address')`,
   * `print('interface')`, `print('/system/resource/print')`. Throws on an unknown menu.
   */
  print(menu: string): Array<Record<string, string>> {
    const path = menu.replace(/^\/+/, '').replace(/\/(print|getall)$/, '');
    const table = this.table(path);
    if (table === this.interfaces) this.refreshTraffic();
    if (table) return table.rows().map((row) => Object.fromEntries(row));
    if (path === 'system/identity') return [{ name: this.identity }];
    if (path === 'system/resource') return [Object.fromEntries(this.resource())];
    if (path === 'ip/dns') return [Object.fromEntries(this.dns)];
    throw new Error(`the simulator has no menu ${menu}`);
  }

  /**
   * Runs `fn` with change events held back, then emits them. The simulator wraps each command
   * in this so that a `set`'s `!done` is written before the listen `!re` it causes (the order
   * in the API documentation's transcript).
   */
  holdEvents<T>(fn: () => T): T {
    if (this.held) return fn();
    const held: ChangeEvent[] = [];
    this.held = held;
    try {
      return fn();
    } finally {
      this.held = undefined;
      for (const event of held) this.emit('change', event);
    }
  }

  private notify(event: ChangeEvent): void {
    if (this.held) this.held.push(event);
    else this.emit('change', event);
  }

  /** Counts one write command of a session (the menus call it for add, set, remove, move...). */
  countWrite(session: number): void {
    this.writes.set(session, (this.writes.get(session) ?? 0) + 1);
  }

  /** Write commands one session has sent, or every session together when none is named. */
  writeCount(session?: number): number {
    if (session !== undefined) return this.writes.get(session) ?? 0;
    let total = 0;
    for (const n of this.writes.values()) total += n;
    return total;
  }

  // ---- /system/identity -------------------------------------------------------------------

  setIdentity(name: string): void {
    this.identity = name;
  }

  // ---- /interface -------------------------------------------------------------------------

  /** A copy of the interface as a plain object, or undefined. */
  getInterface(idOrName: string): Record<string, string> | undefined {
    const row = this.interfaces.find(idOrName);
    return row ? Object.fromEntries(row) : undefined;
  }

  /**
   * Adds an interface with a RouterOS 7 row (defaults: an enabled, running ether with MTU 1500,
   * counters at zero); returns its `.id`. `default-name` marks one of the router's own ports.
   */
  addInterface(props: { name: string } & Record<string, string>): string {
    if (this.interfaces.rows().some((row) => row.get('name') === props.name)) {
      throw new RouterError('already have interface with such name', 1);
    }
    const fields = newInterfaceFields(
      {
        name: props.name,
        type: props.type ?? 'ether',
        mtu: props.mtu ?? '1500',
        disabled: parseBoolean(props.disabled ?? 'false') ?? false,
        dynamic: parseBoolean(props.dynamic ?? 'false') ?? false,
        comment: props.comment,
        defaultName: props['default-name'],
      },
      ++this.interfacesMade,
      Date.now(),
    );
    return this.interfaces.add(fields);
  }

  /**
   * Moves the traffic counters of running interfaces on by the time since the last call (at
   * least one packet each way). Print calls it, so counters differ from one print to the next;
   * it reports no change event, as a router's listen does not stream counters.
   */
  refreshTraffic(now = Date.now()): void {
    const elapsed = Math.max(0, now - this.trafficAt);
    this.trafficAt = now;
    this.interfaces.rows().forEach((row, position) => {
      if (row.get('running') !== 'true') return;
      this.interfaces.refresh(row.get('.id') as string, trafficSince(row, position, elapsed));
    });
  }

  /**
   * Changes an interface as `/interface/set` does: `disabled` also switches `running`, an empty
   * `comment` removes it. Throws RouterError on an unknown item, property or bad value.
   */
  setInterface(idOrName: string, props: Record<string, string>): void {
    const row = this.interfaces.require(idOrName);
    const changes: Array<[string, string]> = [];
    let dropComment = false;
    for (const [key, value] of Object.entries(props)) {
      if (!INTERFACE_SETTABLE.has(key)) throw new RouterError(`unknown parameter ${key}`);
      if (key === 'disabled') {
        const disabled = parseBoolean(value);
        if (disabled === undefined) throw new RouterError('value of disabled must be yes or no', 1);
        const running = disabled ? 'false' : 'true';
        changes.push(['disabled', disabled ? 'true' : 'false'], ['running', running]);
        if (row.get('running') !== running) changes.push(...linkChange(row, !disabled, Date.now()));
      } else if (key === 'mtu') {
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < 68 || n > 65535) {
          throw new RouterError('value of mtu out of range (68..65535)', 1);
        }
        changes.push(['mtu', String(n)], ['actual-mtu', String(n)]);
      } else if (key === 'name') {
        if (value === '') throw new RouterError('name must not be empty', 1);
        const other = this.interfaces.find(value);
        if (other && other !== row) throw new RouterError('already have interface with such name', 1);
        changes.push(['name', value]);
      } else if (value === '') {
        dropComment = true;
      } else {
        changes.push([key, value]);
      }
    }
    const id = row.get('.id') as string;
    this.interfaces.update(id, changes);
    if (dropComment) this.interfaces.unset(id, 'comment');
  }

  removeInterface(idOrName: string): void {
    this.interfaces.remove(idOrName);
  }

  // ---- /ip/address ------------------------------------------------------------------------

  /**
   * Adds an address as `/ip/address/add` does; returns its `.id`. `address` is IPv4 with an
   * optional prefix length (default /32); `interface` must exist (by name or `.id`).
   */
  addAddress(props: { address: string; interface: string; comment?: string; disabled?: string }): string {
    const { address, network } = parseAddress(props.address);
    const iface = this.requireInterfaceName(props.interface);
    const disabled = props.disabled === undefined ? 'false' : toTrueFalse(props.disabled, 'disabled');
    const fields: Array<[string, string]> = [
      ['address', address],
      ['network', network],
      ['interface', iface],
      ['actual-interface', iface],
      ['invalid', 'false'],
      ['dynamic', 'false'],
      ['disabled', disabled],
    ];
    if (props.comment) fields.push(['comment', props.comment]);
    return this.addresses.add(fields);
  }

  /** Changes an address as `/ip/address/set` does. */
  setAddress(idOrName: string, props: Record<string, string>): void {
    const row = this.addresses.require(idOrName);
    const changes: Array<[string, string]> = [];
    for (const [key, value] of Object.entries(props)) {
      if (!ADDRESS_SETTABLE.has(key)) throw new RouterError(`unknown parameter ${key}`);
      if (key === 'address') {
        const parsed = parseAddress(value);
        changes.push(['address', parsed.address], ['network', parsed.network]);
      } else if (key === 'interface') {
        const iface = this.requireInterfaceName(value);
        changes.push(['interface', iface], ['actual-interface', iface]);
      } else if (key === 'disabled') {
        changes.push(['disabled', toTrueFalse(value, 'disabled')]);
      } else {
        changes.push([key, value]);
      }
    }
    this.addresses.update(row.get('.id') as string, changes);
  }

  removeAddress(id: string): void {
    this.addresses.remove(id);
  }

  private requireInterfaceName(idOrName: string): string {
    const row = this.interfaces.find(idOrName);
    // Wording and category from the RouterOS API documentation's !trap example.
    if (!row) throw new RouterError('input does not match any value of interface', 1);
    return row.get('name') as string;
  }

  // ---- /system/resource -------------------------------------------------------------------

  /** A fresh `/system/resource/print` row: uptime advances, cpu-load and memory wander. */
  resource(now = Date.now()): Row {
    this.cpuLoad = Math.min(100, Math.max(0, this.cpuLoad + Math.round(Math.random() * 12 - 6)));
    this.writeSectors += 1 + Math.floor(Math.random() * 3);
    const freeMemory = RESOURCE_STATIC['total-memory'] - 120_000_000 - Math.floor(Math.random() * 4_000_000);
    return new Map<string, string>([
      ['uptime', formatUptime(now - this.bootTime)],
      ['version', RESOURCE_STATIC.version],
      ['build-time', RESOURCE_STATIC['build-time']],
      ['factory-software', RESOURCE_STATIC['factory-software']],
      ['free-memory', String(freeMemory)],
      ['total-memory', String(RESOURCE_STATIC['total-memory'])],
      ['cpu', RESOURCE_STATIC.cpu],
      ['cpu-count', RESOURCE_STATIC['cpu-count']],
      ['cpu-frequency', RESOURCE_STATIC['cpu-frequency']],
      ['cpu-load', String(this.cpuLoad)],
      ['free-hdd-space', '93224960'],
      ['total-hdd-space', RESOURCE_STATIC['total-hdd-space']],
      ['write-sect-since-reboot', String(this.writeSectors)],
      ['write-sect-total', String(48_213 + this.writeSectors)],
      ['architecture-name', RESOURCE_STATIC['architecture-name']],
      ['board-name', RESOURCE_STATIC['board-name']],
      ['platform', RESOURCE_STATIC.platform],
    ]);
  }

  /** A reboot: uptime and interface counters start again, nobody is logged in; configuration stays. */
  reboot(): void {
    this.bootTime = Date.now();
    this.trafficAt = this.bootTime;
    this.writeSectors = 0;
    const up = formatTimestamp(new Date(this.bootTime));
    for (const row of this.interfaces.rows()) {
      const changes = zeroCounters();
      if (row.get('running') === 'true') changes.push(['last-link-up-time', up]);
      this.interfaces.refresh(row.get('.id') as string, changes);
    }
    for (const row of [...this.activeUsers.rows()]) this.activeUsers.remove(row.get('.id') as string);
  }
}

/**
 * What a fresh RouterOS 7 shows in these menus: a dynamic address-list entry (as a DNS-named
 * entry or a firewall `add-src-to-address-list` rule would make) and the built-in dynamic
 * filter rule that carries the fasttrack counters.
 */
function seedFirewall(router: SimRouter): void {
  router.filterRules.add([
    ['chain', 'forward'],
    ['action', 'passthrough'],
    ['log', 'false'],
    ['log-prefix', ''],
    ['invalid', 'false'],
    ['dynamic', 'true'],
    ['disabled', 'false'],
    ['comment', 'special dummy rule to show fasttrack counters'],
  ]);
  router.addressLists.add([
    ['list', 'port-scanners'],
    ['address', '192.0.2.66'],
    ['creation-time', formatTimestamp(new Date())],
    ['timeout', '23:59:59'],
    ['dynamic', 'true'],
    ['disabled', 'false'],
  ]);
}

function toTrueFalse(value: string, name: string): string {
  const v = parseBoolean(value);
  if (v === undefined) throw new RouterError(`value of ${name} must be yes or no`, 1);
  return v ? 'true' : 'false';
}

/** `198.51.100.7/24` → address `198.51.100.7/24`, network `198.51.100.0`. */
function parseAddress(text: string): { address: string; network: string } {
  const [ip, prefixText, extra] = text.split('/');
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (
    extra !== undefined ||
    !isIPv4(ip) ||
    (prefixText !== undefined && !/^\d{1,2}$/.test(prefixText)) ||
    prefix > 32
  ) {
    throw new RouterError('invalid value for argument address', 1);
  }
  const bits = ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (bits & mask) >>> 0;
  const network = [24, 16, 8, 0].map((shift) => (net >>> shift) & 0xff).join('.');
  return { address: `${ip}/${prefix}`, network };
}
