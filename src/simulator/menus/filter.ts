import { CommandContext, Handler, done } from '../context';
import { NO_SUCH_ITEM, RouterError, Table } from '../router';
import { checkParameters, listenHandler, printHandler, propertyArgs, tableSource, targetIds } from './common';
import { addressArgument, applyChanges, trueFalse } from './values';

const SETTABLE = ['chain', 'action', 'protocol', 'src-address', 'dst-port', 'comment', 'disabled', 'log', 'log-prefix'];
const ACTIONS = [
  'accept',
  'add-dst-to-address-list',
  'add-src-to-address-list',
  'drop',
  'fasttrack-connection',
  'jump',
  'log',
  'passthrough',
  'reject',
  'return',
  'tarpit',
];
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'ipsec-esp', 'ipsec-ah', 'ospf', 'sctp', 'udp-lite', 'dccp'];

const table = (ctx: CommandContext): Table => ctx.router.filterRules;

const print = printHandler(tableSource(table), 'ip/firewall/filter');

/** `22`, `80,443`, `8000-8080`: ports and ranges, comma separated. */
function ports(value: string): string {
  const ok = value.split(',').every((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    return m !== null && Number(m[1]) <= 65535 && (m[2] === undefined || Number(m[2]) <= 65535);
  });
  if (!ok) throw new RouterError('invalid value for argument dst-port', 1);
  return value;
}

function checked(props: Record<string, string>): Array<[string, string]> {
  return Object.entries(props).map(([key, value]): [string, string] => {
    switch (key) {
      case 'action':
        if (!ACTIONS.includes(value)) throw new RouterError('input does not match any value of action', 1);
        return [key, value];
      case 'protocol':
        if (!PROTOCOLS.includes(value) && !(/^\d+$/.test(value) && Number(value) <= 255)) {
          throw new RouterError('input does not match any value of protocol', 1);
        }
        return [key, value];
      case 'src-address':
        return [key, addressArgument(value, key, true)];
      case 'dst-port':
        return [key, ports(value)];
      case 'disabled':
      case 'log':
        return [key, trueFalse(value, key)];
      default:
        return [key, value];
    }
  });
}

/** The built-in dynamic rule belongs to the router. Wording unverified against a real router. */
function requireStatic(ctx: CommandContext, id: string): void {
  if (table(ctx).require(id).get('dynamic') === 'true') throw new RouterError('failure: can not change dynamic rule');
}

const add: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, SETTABLE);
  if (props.chain === undefined || props.chain === '') {
    throw new RouterError('missing value(s) of argument(s) chain', 1);
  }
  const values = new Map(checked(props));
  const fields: Array<[string, string]> = [
    ['chain', values.get('chain') as string],
    ['action', values.get('action') ?? 'accept'],
  ];
  for (const name of ['protocol', 'src-address', 'dst-port']) {
    const v = values.get(name);
    if (v !== undefined) fields.push([name, v]);
  }
  fields.push(
    ['log', values.get('log') ?? 'false'],
    ['log-prefix', values.get('log-prefix') ?? ''],
    ['invalid', 'false'],
    ['dynamic', 'false'],
    ['disabled', values.get('disabled') ?? 'false'],
  );
  const comment = values.get('comment');
  if (comment) fields.push(['comment', comment]);
  ctx.reply(done(table(ctx).add(fields)));
};

const set: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, SETTABLE);
  const changes = checked(props);
  const ids = targetIds(ctx, table(ctx));
  for (const id of ids) requireStatic(ctx, id);
  for (const id of ids) applyChanges(table(ctx), id, changes, ['comment', 'protocol', 'src-address', 'dst-port']);
  ctx.reply(done());
};

const remove: Handler = (ctx) => {
  const ids = targetIds(ctx, table(ctx));
  for (const id of ids) requireStatic(ctx, id);
  for (const id of ids) table(ctx).remove(id);
  ctx.reply(done());
};

/** `move numbers=*3,*5 destination=*2`: before `destination`, or to the end without one. */
const move: Handler = (ctx) => {
  const ids = targetIds(ctx, table(ctx));
  const destination = ctx.cmd.attrs.get('destination');
  if (destination !== undefined && !table(ctx).find(destination)) throw new RouterError(NO_SUCH_ITEM);
  table(ctx).move(ids, destination === undefined ? undefined : (table(ctx).require(destination).get('.id') as string));
  ctx.reply(done());
};

export const filterMenu: Record<string, Handler> = {
  print,
  getall: print,
  listen: listenHandler('ip/firewall/filter'),
  add,
  set,
  remove,
  move,
};
