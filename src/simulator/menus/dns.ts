import { isIP } from 'node:net';
import { CommandContext, Handler, done } from '../context';
import { RouterError, Table } from '../router';
import { checkParameters, listenHandler, printHandler, propertyArgs, tableSource, targetIds } from './common';
import { addressArgument, applyChanges, duration, trueFalse } from './values';

// ---- /ip/dns/static ----------------------------------------------------------------------

const STATIC_SETTABLE = ['name', 'address', 'type', 'ttl', 'comment', 'disabled', 'cname', 'text'];
const TYPES = ['A', 'AAAA', 'CNAME', 'TXT', 'FWD', 'NXDOMAIN'];

const staticTable = (ctx: CommandContext): Table => ctx.router.dnsStatic;

function checkedStatic(props: Record<string, string>): Array<[string, string]> {
  return Object.entries(props).map(([key, value]): [string, string] => {
    switch (key) {
      case 'name':
        if (!/^[A-Za-z0-9*_][A-Za-z0-9_.*-]*$/.test(value)) throw new RouterError('invalid value for argument name', 1);
        return [key, value];
      case 'address':
        return [key, addressArgument(value, key, false)];
      case 'type':
        if (!TYPES.includes(value)) throw new RouterError('input does not match any value of type', 1);
        return [key, value];
      case 'ttl':
        return [key, duration(value, key)];
      case 'disabled':
        return [key, trueFalse(value, key)];
      default:
        return [key, value];
    }
  });
}

/** `type` is printed only when it is not the default `A`, as RouterOS 7 leaves defaults out. */
const staticAdd: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, STATIC_SETTABLE);
  const values = new Map(checkedStatic(props));
  const type = values.get('type') ?? 'A';
  if (values.get('name') === undefined) throw new RouterError('missing value(s) of argument(s) name', 1);
  if ((type === 'A' || type === 'AAAA') && values.get('address') === undefined) {
    throw new RouterError('missing value(s) of argument(s) address', 1);
  }
  const fields: Array<[string, string]> = [['name', values.get('name') as string]];
  if (type !== 'A') fields.push(['type', type]);
  for (const name of ['address', 'cname', 'text']) {
    const v = values.get(name);
    if (v !== undefined) fields.push([name, v]);
  }
  fields.push(
    ['ttl', values.get('ttl') ?? '1d'],
    ['dynamic', 'false'],
    ['disabled', values.get('disabled') ?? 'false'],
  );
  const comment = values.get('comment');
  if (comment) fields.push(['comment', comment]);
  ctx.reply(done(staticTable(ctx).add(fields)));
};

const staticSet: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, STATIC_SETTABLE);
  const changes = checkedStatic(props);
  for (const id of targetIds(ctx, staticTable(ctx))) applyChanges(staticTable(ctx), id, changes, ['comment']);
  ctx.reply(done());
};

const staticRemove: Handler = (ctx) => {
  for (const id of targetIds(ctx, staticTable(ctx))) staticTable(ctx).remove(id);
  ctx.reply(done());
};

const staticPrint = printHandler(tableSource(staticTable), 'ip/dns/static');

export const dnsStaticMenu: Record<string, Handler> = {
  print: staticPrint,
  getall: staticPrint,
  listen: listenHandler('ip/dns/static'),
  add: staticAdd,
  set: staticSet,
  remove: staticRemove,
};

// ---- /ip/dns: one object, no .id ---------------------------------------------------------

const DNS_SETTABLE = ['servers', 'allow-remote-requests', 'cache-size', 'cache-max-ttl', 'max-udp-packet-size'];

function checkedDns(props: Record<string, string>): Array<[string, string]> {
  return Object.entries(props).map(([key, value]): [string, string] => {
    switch (key) {
      case 'servers': {
        const servers = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        if (servers.some((s) => isIP(s) === 0)) throw new RouterError('invalid value for argument servers', 1);
        return [key, servers.join(',')];
      }
      case 'allow-remote-requests':
        return [key, trueFalse(value, key)];
      case 'cache-size':
      case 'max-udp-packet-size': {
        const [low, high] = key === 'cache-size' ? [64, 4294967295] : [50, 65507];
        if (!/^\d+$/.test(value) || Number(value) < low || Number(value) > high) {
          throw new RouterError(`value of ${key} out of range (${low}..${high})`, 1);
        }
        return [key, String(Number(value))];
      }
      default:
        return [key, duration(value, key)];
    }
  });
}

const dnsPrint = printHandler((ctx) => [ctx.router.dns]);

/** `set` without `.id`: it changes the one object. */
const dnsSet: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, DNS_SETTABLE);
  for (const [k, v] of checkedDns(props)) ctx.router.dns.set(k, v);
  ctx.reply(done());
};

export const dnsMenu: Record<string, Handler> = { print: dnsPrint, getall: dnsPrint, set: dnsSet };
