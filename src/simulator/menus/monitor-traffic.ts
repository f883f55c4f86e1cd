import { CommandContext, Handler, Words, done, re } from '../context';
import { trafficRate } from '../interface-row';
import { RouterError } from '../router';
import { checkParameters, propertyArgs } from './common';

const PERIOD_MS = 1000;
/** Traffic swells and ebbs over a minute, so a chart of it has a shape, not just noise. */
const WAVE_MS = 60000;

/**
 * The interfaces `interface=` names (comma separated, by name or `.id`), as `.id`s. RouterOS
 * words a name it does not know like any other bad value of an argument.
 */
function monitoredIds(ctx: CommandContext, list: string | undefined): string[] {
  if (list === undefined || list === '') throw new RouterError('missing value(s) of argument(s) interface', 1);
  return list.split(',').map((one) => {
    const row = ctx.router.interfaces.find(one.trim());
    if (!row) throw new RouterError('input does not match any value of interface', 1);
    return row.get('.id') as string;
  });
}

/** One `!re` for one interface, fields in RouterOS 7's order; zero while it is not running. */
function sample(ctx: CommandContext, id: string, now: number): Words | undefined {
  const rows = ctx.router.interfaces.rows();
  const position = rows.findIndex((row) => row.get('.id') === id);
  if (position < 0) return undefined; // removed since the monitor started
  const row = rows[position];
  const running = row.get('running') === 'true';
  const rate = trafficRate(position);
  const wave = 1 + 0.35 * Math.sin((2 * Math.PI * now) / WAVE_MS + position);
  const per = (value: number): string => (running ? String(Math.round(value * wave)) : '0');
  return re([
    ['name', row.get('name') as string],
    ['rx-packets-per-second', per(rate.rxPackets)],
    ['rx-bits-per-second', per(rate.rxBytes * 8)],
    ['fp-rx-packets-per-second', per(rate.rxPackets)],
    ['fp-rx-bits-per-second', per(rate.rxBytes * 8)],
    ['rx-drops-per-second', '0'],
    ['rx-errors-per-second', '0'],
    ['tx-packets-per-second', per(rate.txPackets)],
    ['tx-bits-per-second', per(rate.txBytes * 8)],
    ['fp-tx-packets-per-second', '0'],
    ['fp-tx-bits-per-second', '0'],
    ['tx-drops-per-second', '0'],
    ['tx-queue-drops-per-second', '0'],
    ['tx-errors-per-second', '0'],
  ]);
}

/**
 * `/interface/monitor-traffic interface=ether1,ether2`: one `!re` per interface at once and then
 * every second until cancelled; with `once`, a single round and `!done`. The rates follow the
 * same traffic model that moves the `/interface` counters.
 */
export const monitorTraffic: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, ['interface', 'once']);
  const ids = monitoredIds(ctx, props.interface);
  const round = (): Words[] => {
    const now = Date.now();
    return ids.map((id) => sample(ctx, id, now)).filter((words): words is Words => words !== undefined);
  };
  if (props.once !== undefined && !/^(no|false)$/.test(props.once)) {
    ctx.reply(...round(), done());
    return;
  }
  const timer = setInterval(() => stream.send(...round()), PERIOD_MS);
  const stream = ctx.stream(() => clearInterval(timer));
  stream.send(...round());
};
