import { Handler, done } from '../context';
import { formatTimestamp } from '../format';
import { Row, RouterError, Table } from '../router';
import { checkParameters, listenHandler, printHandler, propertyArgs, tableSource, targetIds } from './common';
import { addressArgument, applyChanges, duration, trueFalse } from './values';

const SETTABLE = ['list', 'address', 'comment', 'disabled', 'timeout'];

const table = (ctx: { router: { addressLists: Table } }): Table => ctx.router.addressLists;

const print = printHandler(tableSource(table), 'ip/firewall/address-list');

/** An address, a range, or a DNS name (RouterOS resolves those into dynamic entries). */
function listAddress(value: string): string {
  if (/^[A-Za-z][A-Za-z0-9.-]*$/.test(value)) return value;
  return addressArgument(value, 'address', true);
}

/** RouterOS allows one entry per list and address. */
function checkUnique(rows: readonly Row[], list: string, address: string, self?: Row): void {
  if (rows.some((row) => row !== self && row.get('list') === list && row.get('address') === address)) {
    throw new RouterError('failure: already have such entry');
  }
}

/** The checked values of the arguments, in the menu's print order. */
function checked(props: Record<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(props)) {
    if (key === 'list') {
      if (value.trim() === '') throw new RouterError('invalid value for argument list', 1);
      out.push([key, value]);
    } else if (key === 'address') out.push([key, listAddress(value)]);
    else if (key === 'disabled') out.push([key, trueFalse(value, key)]);
    else if (key === 'timeout') out.push([key, duration(value, key)]);
    else out.push([key, value]);
  }
  return out;
}

/** `add`: an entry with a timeout is dynamic (it goes away by itself), as on RouterOS 7. */
const add: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, SETTABLE);
  const missing = ['list', 'address'].filter((name) => props[name] === undefined);
  if (missing.length > 0) throw new RouterError(`missing value(s) of argument(s) ${missing.join(', ')}`, 1);
  const values = new Map(checked(props));
  const list = values.get('list') as string;
  const address = values.get('address') as string;
  checkUnique(table(ctx).rows(), list, address);
  const timeout = values.get('timeout');
  const fields: Array<[string, string]> = [
    ['list', list],
    ['address', address],
    ['creation-time', formatTimestamp(new Date())],
  ];
  if (timeout !== undefined) fields.push(['timeout', timeout]);
  fields.push(['dynamic', timeout === undefined ? 'false' : 'true'], ['disabled', values.get('disabled') ?? 'false']);
  const comment = values.get('comment');
  if (comment) fields.push(['comment', comment]);
  ctx.reply(done(table(ctx).add(fields)));
};

const set: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, SETTABLE);
  const changes = checked(props);
  const ids = targetIds(ctx, table(ctx));
  for (const id of ids) {
    const row = table(ctx).require(id);
    const next = new Map(changes);
    checkUnique(
      table(ctx).rows(),
      next.get('list') ?? row.get('list') ?? '',
      next.get('address') ?? row.get('address') ?? '',
      row,
    );
  }
  for (const id of ids) applyChanges(table(ctx), id, changes, ['comment', 'timeout']);
  ctx.reply(done());
};

const remove: Handler = (ctx) => {
  for (const id of targetIds(ctx, table(ctx))) table(ctx).remove(id);
  ctx.reply(done());
};

export const addressListMenu: Record<string, Handler> = {
  print,
  getall: print,
  listen: listenHandler('ip/firewall/address-list'),
  add,
  set,
  remove,
};
