import { Handler } from '../context';
import { listenHandler, printHandler, tableSource } from './common';

const print = printHandler(
  tableSource((ctx) => ctx.router.activeUsers),
  'user/active',
);

/** `/user/active`: one item per logged-in API session; listen shows logins and `.dead` logouts. */
export const userActiveMenu: Record<string, Handler> = {
  print,
  getall: print,
  listen: listenHandler('user/active'),
};
