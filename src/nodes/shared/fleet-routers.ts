import type { NodeMessage } from 'node-red';
import type { FanOutSummary, PoolRouter, RouterInfo, RouterPool, Targets } from '../../client';

/** The node's own router setting: "*", or names / host:port separated by commas or spaces. */
export function configuredRouters(setting: string | undefined): string | string[] | undefined {
  const items = String(setting ?? '')
    .split(/[\s,]+/)
    .filter((item) => item !== '');
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : items;
}

/** The routers a message asks for: msg.router, else the node's setting, else `fallback`. */
export function routersOf(msg: NodeMessage, setting: string | undefined, fallback?: string): unknown {
  if (msg.router !== undefined) return msg.router;
  return configuredRouters(setting) ?? fallback;
}

/** A router's address as msg.routeros.router, before (or without) reading who it is. */
export function routerAddress(router: PoolRouter): RouterInfo {
  return {
    name: router.name,
    host: router.host,
    port: router.port,
    identity: undefined,
    version: undefined,
    board: undefined,
  };
}

/** Who a router is as far as known: read once per connection, else just its address. */
export function routerInfo(pool: RouterPool, router: PoolRouter): RouterInfo {
  return pool.knownInfo(router) ?? routerAddress(router);
}

/** The summary message's payload: named routers of other shards are listed as `elsewhere`. */
export function summaryPayload(summary: FanOutSummary, targets: Targets): FanOutSummary & { elsewhere?: string[] } {
  return targets.elsewhere.length > 0 ? { ...summary, elsewhere: targets.elsewhere } : summary;
}
