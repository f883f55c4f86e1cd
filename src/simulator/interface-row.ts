/**
 * `/interface` rows as RouterOS 7 prints them for an ethernet port, and the traffic that keeps
 * their counters moving. The property order follows published `/interface/print` API replies
 * from RouterOS 6.49 and 7.x routers (as quoted in public monitoring scripts and client tests):
 * `.id name default-name type mtu actual-mtu l2mtu max-l2mtu mac-address last-link-down-time
 * last-link-up-time link-downs rx-byte tx-byte rx-packet tx-packet rx-drop tx-drop
 * tx-queue-drop rx-error tx-error fp-rx-byte fp-tx-byte fp-rx-packet fp-tx-packet running
 * disabled`. Where `dynamic` and `comment` go is not in those captures: here `dynamic` (only on
 * dynamic interfaces) comes before `running`, and `comment` last.
 */
import { formatTimestamp } from './format';

/** Canonical order of the properties; anything else keeps its place after these. */
const ORDER = [
  '.id',
  'name',
  'default-name',
  'type',
  'mtu',
  'actual-mtu',
  'l2mtu',
  'max-l2mtu',
  'mac-address',
  'last-link-down-time',
  'last-link-up-time',
  'link-downs',
  'rx-byte',
  'tx-byte',
  'rx-packet',
  'tx-packet',
  'rx-drop',
  'tx-drop',
  'tx-queue-drop',
  'rx-error',
  'tx-error',
  'fp-rx-byte',
  'fp-tx-byte',
  'fp-rx-packet',
  'fp-tx-packet',
  'dynamic',
  'running',
  'slave',
  'disabled',
  'comment',
];
const RANK = new Map(ORDER.map((name, i) => [name, i]));

/** The row with its properties in RouterOS order (a new Map; unknown ones go last). */
export function arrangeInterfaceRow(row: ReadonlyMap<string, string>): Map<string, string> {
  const entries = [...row.entries()];
  const rank = (name: string): number => RANK.get(name) ?? ORDER.length;
  // Array.prototype.sort is stable, so unknown properties keep their relative order.
  entries.sort((a, b) => rank(a[0]) - rank(b[0]));
  return new Map(entries);
}

export interface NewInterface {
  name: string;
  type: string;
  mtu: string;
  disabled: boolean;
  dynamic: boolean;
  comment?: string;
  /** Set for the router's own ports (ether1, ether2 ...): what `/interface/ethernet/reset` restores. */
  defaultName?: string;
}

/** A locally administered MAC address (02:…), so it can never be a real vendor's. */
function macAddress(index: number): string {
  const bytes = [0x02, 0x4d, 0x54, (index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff];
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

const ZERO_COUNTERS = [
  'rx-byte',
  'tx-byte',
  'rx-packet',
  'tx-packet',
  'rx-drop',
  'tx-drop',
  'tx-queue-drop',
  'rx-error',
  'tx-error',
  'fp-rx-byte',
  'fp-tx-byte',
  'fp-rx-packet',
  'fp-tx-packet',
] as const;

/** The fields of a new interface (without `.id`), counters at zero. */
export function newInterfaceFields(props: NewInterface, index: number, now: number): Array<[string, string]> {
  const ether = props.type === 'ether';
  const mtu = props.mtu;
  const fields: Array<[string, string]> = [['name', props.name]];
  if (props.defaultName !== undefined) fields.push(['default-name', props.defaultName]);
  fields.push(['type', props.type], ['mtu', mtu], ['actual-mtu', mtu]);
  fields.push(['l2mtu', ether ? String(Number(mtu) + 14) : '65535']);
  if (ether) fields.push(['max-l2mtu', '9214']);
  fields.push(['mac-address', macAddress(index)]);
  if (!props.disabled) fields.push(['last-link-up-time', formatTimestamp(new Date(now))]);
  fields.push(['link-downs', '0']);
  for (const name of ZERO_COUNTERS) fields.push([name, '0']);
  if (props.dynamic) fields.push(['dynamic', 'true']);
  fields.push(['running', props.disabled ? 'false' : 'true'], ['disabled', props.disabled ? 'true' : 'false']);
  if (props.comment) fields.push(['comment', props.comment]);
  return fields;
}

/** Counter values after a link state change: link-downs and the last up/down times. */
export function linkChange(row: ReadonlyMap<string, string>, up: boolean, now: number): Array<[string, string]> {
  const when = formatTimestamp(new Date(now));
  if (up) return [['last-link-up-time', when]];
  return [
    ['last-link-down-time', when],
    ['link-downs', String(Number(row.get('link-downs') ?? '0') + 1)],
  ];
}

/** Average packet sizes and rates per interface position: ether1 is the busy uplink. */
const RX_PPS = [180, 40, 12];
const TX_PPS = [95, 55, 9];
const RX_SIZE = 820;
const TX_SIZE = 310;

function add(row: ReadonlyMap<string, string>, name: string, delta: number): [string, string] {
  return [name, String(Number(row.get(name) ?? '0') + delta)];
}

/** Traffic per second on a running interface at `position`, with ±25 % jitter each call. */
export interface TrafficRate {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
}

export function trafficRate(position: number): TrafficRate {
  const slot = Math.min(position, RX_PPS.length - 1);
  const jitter = 0.75 + Math.random() * 0.5;
  const rxPackets = RX_PPS[slot] * jitter;
  const txPackets = TX_PPS[slot] * jitter;
  return { rxPackets, txPackets, rxBytes: rxPackets * RX_SIZE, txBytes: txPackets * TX_SIZE };
}

/**
 * Traffic since the last refresh for a running interface: at least one packet each way, so two
 * prints always differ, more as time passes. Fast-path counters follow receive traffic (the
 * captures show fp-rx equal to rx and fp-tx at zero on routed ports).
 */
export function trafficSince(
  row: ReadonlyMap<string, string>,
  position: number,
  elapsedMs: number,
): Array<[string, string]> {
  const rate = trafficRate(position);
  const rxPackets = Math.max(1, Math.round((rate.rxPackets * elapsedMs) / 1000));
  const txPackets = Math.max(1, Math.round((rate.txPackets * elapsedMs) / 1000));
  const rxBytes = rxPackets * RX_SIZE + Math.floor(Math.random() * 64);
  const txBytes = txPackets * TX_SIZE + Math.floor(Math.random() * 64);
  return [
    add(row, 'rx-byte', rxBytes),
    add(row, 'tx-byte', txBytes),
    add(row, 'rx-packet', rxPackets),
    add(row, 'tx-packet', txPackets),
    add(row, 'fp-rx-byte', rxBytes),
    add(row, 'fp-rx-packet', rxPackets),
  ];
}

/** Every counter back to zero (a reboot). */
export function zeroCounters(): Array<[string, string]> {
  return [...ZERO_COUNTERS.map((name): [string, string] => [name, '0']), ['link-downs', '0']];
}
