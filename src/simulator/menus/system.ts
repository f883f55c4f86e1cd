import { Handler, done } from '../context';
import { RouterError } from '../router';
import { checkParameters, listenHandler, printHandler, propertyArgs } from './common';

const identityPrint = printHandler((ctx) => [new Map([['name', ctx.router.identity]])]);

const identitySet: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, ['name']);
  if (props.name === undefined || props.name === '') throw new RouterError('name must not be empty', 1);
  ctx.router.setIdentity(props.name);
  ctx.reply(done());
};

export const identityMenu: Record<string, Handler> = {
  print: identityPrint,
  getall: identityPrint,
  set: identitySet,
  listen: listenHandler(),
};

const resourcePrint = printHandler((ctx) => [ctx.router.resource()]);

export const resourceMenu: Record<string, Handler> = {
  print: resourcePrint,
  getall: resourcePrint,
  listen: listenHandler(),
};
