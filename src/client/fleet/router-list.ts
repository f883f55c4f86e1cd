import { InputError } from '../errors';

/** One router of a fleet: its name (how flows call it) and where it is. */
export interface FleetRouter {
  name: string;
  host: string;
  /** Undefined: the fleet's port. */
  port: number | undefined;
}

const PORT = /^\d{1,5}$/;

/**
 * Reads `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. Throws InputError
 * naming `where` when it is not an address.
 */
export function parseHostPort(text: string, where: string): { host: string; port: number | undefined } {
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, portText] = text.split(':');
  }
  if (host === '' || /[\s/@]/.test(host)) throw new InputError(`${where}: "${text}" is not a host or host:port`);
  if (portText === undefined) return { host, port: undefined };
  const port = Number(portText);
  if (!PORT.test(portText) || port < 1 || port > 65535) {
    throw new InputError(`${where}: the port of "${text}" must be a number from 1 to 65535`);
  }
  return { host, port };
}

/** `host:port` as people write it (`[v6]:port`). */
export function hostLabel(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Parses a fleet's list: one router a line, `name host[:port]` or just `host[:port]` (then the
 * name is that text), `#` starts a comment, blank lines are skipped. Names must be unique, and
 * so must addresses: the same router twice would get the fleet's commands twice.
 */
export function parseRouterList(text: string, defaultPort: number): FleetRouter[] {
  const routers: FleetRouter[] = [];
  const names = new Set<string>();
  const addresses = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const where = `router list, line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length > 2) throw new InputError(`${where}: "${line}" has more than a name and an address`);
    const address = fields[fields.length - 1];
    const name = fields.length === 2 ? fields[0] : address;
    if (name === '*') throw new InputError(`${where}: "*" means every router and cannot be a name`);
    const { host, port } = parseHostPort(address, where);
    const key = hostLabel(host.toLowerCase(), port ?? defaultPort);
    if (names.has(name)) throw new InputError(`${where}: the name "${name}" is used twice`);
    if (addresses.has(key)) throw new InputError(`${where}: ${key} is listed twice`);
    names.add(name);
    addresses.add(key);
    routers.push({ name, host, port });
  });
  return routers;
}
