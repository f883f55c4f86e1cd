import { Handler, done } from '../context';
import { listenHandler, printHandler, propertyArgs, tableSource, targetIds } from './common';

/** Counters move on at every print, as traffic on a real router does between two prints. */
const print = printHandler(
  tableSource((ctx) => {
    ctx.router.refreshTraffic();
    return ctx.router.interfaces;
  }),
  'interface',
);

/** `/interface/set`: `.id` may be `*1` or the name, like on a real router. */
const set: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  for (const id of targetIds(ctx, ctx.router.interfaces)) ctx.router.setInterface(id, props);
  ctx.reply(done());
};

function toggle(disabled: 'true' | 'false'): Handler {
  return (ctx) => {
    for (const id of targetIds(ctx, ctx.router.interfaces)) ctx.router.setInterface(id, { disabled });
    ctx.reply(done());
  };
}

export const interfaceMenu: Record<string, Handler> = {
  print,
  getall: print,
  listen: listenHandler('interface'),
  set,
  enable: toggle('false'),
  disable: toggle('true'),
};
