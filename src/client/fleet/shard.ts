import { createHash } from 'node:crypto';
import { InputError } from '../errors';

/** Which part of a fleet one Node-RED instance works on: `index` of `count`, from 1. */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE_FLEET: Shard = { index: 1, count: 1 };

export function checkShard(shard: Shard): Shard {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new InputError(`shard ${index} of ${count} is not valid: use i of n with 1 ≤ i ≤ n`);
  }
  return shard;
}

/** A 64-bit weight for (router, shard), the same on every machine and every run. */
function weight(name: string, shard: number): bigint {
  return createHash('sha256').update(`${shard}\0${name}`).digest().readBigUInt64BE(0);
}

/**
 * The shard a router belongs to, by rendezvous (highest-random-weight) hashing: every shard
 * scores the router and the highest score wins. Instances with the same list agree without
 * talking to each other, and adding an (n+1)th shard moves only the routers it now wins, about
 * 1/(n+1) of them; none move between the old shards.
 */
export function shardOf(name: string, count: number): number {
  let best = 1;
  let bestWeight = -1n;
  for (let shard = 1; shard <= count; shard++) {
    const w = weight(name, shard);
    if (w > bestWeight) {
      best = shard;
      bestWeight = w;
    }
  }
  return best;
}

export function inShard(name: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(name, shard.count) === shard.index;
}
