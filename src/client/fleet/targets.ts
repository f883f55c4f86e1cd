import { describe } from '../command';
import { InputError } from '../errors';
import { FleetRouter, hostLabel, parseHostPort } from './router-list';
import { inShard, Shard } from './shard';
import type { PoolRouter } from './pool';

export interface TargetOptions {
  /** The fleet's port, for routers listed without one. */
  port: number;
  /** Hosts not on the list may be named (off by default: the password goes only to listed routers). */
  allowUnlisted: boolean;
  shard: Shard;
}

/** The routers a message names, split into those this instance works on and those of other shards. */
export interface Targets {
  routers: PoolRouter[];
  /** Named but in another instance's shard: left to that instance. */
  elsewhere: string[];
}

/**
 * Resolves what a message or node names: `"*"` (every router of this shard), a router's name, a
 * `host[:port]` (a listed router's address, or any host when allowed), or an array of those.
 * Throws InputError, before anything is opened, for an unknown name or an unlisted host.
 */
export function resolveTargets(spec: unknown, list: readonly FleetRouter[], options: TargetOptions): Targets {
  const items = Array.isArray(spec) ? (spec as unknown[]) : [spec];
  if (items.length === 0 || spec === undefined || spec === null || spec === '') {
    throw new InputError(
      'no router given: set msg.router (a name, host[:port], an array, or "*") or the node\'s routers',
    );
  }
  const chosen = new Map<string, FleetRouter>();
  for (const item of items) {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new InputError(`a router must be a name, host[:port] or "*", got ${describe(item)}`);
    }
    const wanted = item.trim();
    if (wanted === '*') {
      for (const router of list) chosen.set(router.name, router);
      continue;
    }
    chosen.set(...pick(wanted, list, options));
  }
  const targets: Targets = { routers: [], elsewhere: [] };
  for (const router of chosen.values()) {
    if (!inShard(router.name, options.shard)) {
      // "*" means every router of my shard; a named one of another shard is that shard's work.
      targets.elsewhere.push(router.name);
      continue;
    }
    targets.routers.push({ name: router.name, host: router.host, port: router.port ?? options.port });
  }
  return targets;
}

function pick(wanted: string, list: readonly FleetRouter[], options: TargetOptions): [string, FleetRouter] {
  const byName = list.find((router) => router.name === wanted);
  if (byName) return [byName.name, byName];
  const { host, port } = parseHostPort(wanted, 'msg.router');
  const key = hostLabel(host.toLowerCase(), port ?? options.port);
  const byAddress = list.find((router) => hostLabel(router.host.toLowerCase(), router.port ?? options.port) === key);
  if (byAddress) return [byAddress.name, byAddress];
  if (!options.allowUnlisted) {
    throw new InputError(
      `router "${wanted}" is not on the fleet's list (the fleet's password goes only to its routers; the fleet can allow hosts not on the list)`,
    );
  }
  const name = hostLabel(host, port ?? options.port);
  return [name, { name, host, port: port ?? options.port }];
}
