import { isIP } from 'node:net';
import { Handler, re } from '../context';
import { formatRtt, parseDuration } from '../format';
import { Pairs } from '../proplist';
import { RouterError } from '../router';
import { checkParameters, propertyArgs } from './common';

export const PING_PARAMETERS = [
  'address',
  'count',
  'interval',
  'size',
  'ttl',
  'src-address',
  'interface',
  'routing-table',
  'do-not-fragment',
  'arp-ping',
  'dscp',
  'vrf',
];

/** A stable, plausible round-trip time per address: loopback is fast, the rest 8–27 ms. */
function baseRtt(address: string): number {
  if (address.startsWith('127.') || address === '::1') return 0.05;
  let hash = 0;
  for (let i = 0; i < address.length; i++) hash = (hash * 31 + address.charCodeAt(i)) >>> 0;
  return 8 + (hash % 20);
}

/**
 * `/ping` and `/tool/ping`: one `!re` per probe, `interval` apart (default 1s; small values such
 * as 0.01 are fine for tests), `count` probes (default 4), then `!done`. Addresses in
 * 192.0.2.0/24 (TEST-NET-1) never answer and report `status=timeout`.
 */
export const ping: Handler = (ctx) => {
  const props = propertyArgs(ctx);
  checkParameters(props, PING_PARAMETERS);
  const address = props.address;
  if (address === undefined) throw new RouterError('missing value(s) of argument(s) address', 1);
  if (!isIP(address)) throw new RouterError('invalid value for argument address', 1);
  const countText = props.count ?? '4';
  const count = Number(countText);
  if (!/^\d+$/.test(countText) || count < 1) throw new RouterError('value of count out of range (1..4294967295)', 1);
  const intervalMs = parseDuration(props.interval ?? '1s');
  if (intervalMs === undefined || intervalMs < 1) throw new RouterError('invalid value for argument interval', 1);
  const size = props.size ?? '56';
  const reachable = !address.startsWith('192.0.2.');
  const base = baseRtt(address);
  const ttl = base < 1 ? '64' : '52';
  const rtts: number[] = [];
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const stream = ctx.stream(() => clearTimeout(timer));

  const probe = (): void => {
    timer = undefined;
    const seq = sent++;
    const pairs: Pairs = [
      ['seq', String(seq)],
      ['host', address],
    ];
    if (reachable) {
      const rtt = base * (0.8 + Math.random() * 0.4);
      rtts.push(rtt);
      pairs.push(['size', size], ['ttl', ttl], ['time', formatRtt(rtt)]);
    } else {
      pairs.push(['status', 'timeout']);
    }
    const received = rtts.length;
    pairs.push(
      ['sent', String(sent)],
      ['received', String(received)],
      ['packet-loss', String(Math.floor((100 * (sent - received)) / sent))],
    );
    if (received > 0) {
      pairs.push(
        ['min-rtt', formatRtt(Math.min(...rtts))],
        ['avg-rtt', formatRtt(rtts.reduce((a, b) => a + b, 0) / received)],
        ['max-rtt', formatRtt(Math.max(...rtts))],
      );
    }
    if (sent >= count) {
      stream.finish(re(pairs));
    } else {
      stream.send(re(pairs));
      timer = setTimeout(probe, intervalMs);
    }
  };
  timer = setTimeout(probe, 0);
};
