import { Handler, done } from '../context';
import { RouterError } from '../router';
import { checkParameters, listenHandler, printHandler, propertyArgs, tableSource, targetIds } from './common';

const print = printHandler(
  tableSource((ctx) => ctx.router.addresses),
  'ip/address',
);

/** `/ip/address/add` answers `!done =ret=*N` with the new item's id. */
const add: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, ['address', 'interface', 'comment', 'disabled', 'network']);
  const missing = ['address', 'interface'].filter((name) => props[name] === undefined);
  if (missing.length > 0) {
    throw new RouterError(`missing value(s) of argument(s) ${missing.join(', ')}`, 1);
  }
  const id = ctx.router.addAddress({
    address: props.address,
    interface: props.interface,
    comment: props.comment,
    disabled: props.disabled,
  });
  ctx.reply(done(id));
};

const set: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  for (const id of targetIds(ctx, ctx.router.addresses)) ctx.router.setAddress(id, props);
  ctx.reply(done());
};

/** Every id is checked before anything is removed, so a bad id removes nothing. */
const remove: Handler = (ctx) => {
  for (const id of targetIds(ctx, ctx.router.addresses)) ctx.router.removeAddress(id);
  ctx.reply(done());
};

export const ipAddressMenu: Record<string, Handler> = {
  print,
  getall: print,
  listen: listenHandler('ip/address'),
  add,
  set,
  remove,
};
