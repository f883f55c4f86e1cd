export { parseRouterList, parseHostPort, hostLabel, FleetRouter } from './router-list';
export { shardOf, inShard, checkShard, Shard, WHOLE_FLEET } from './shard';
export { RouterPool, PoolOptions, PoolRouter, RouterInfo, RouterHealth, SharedSessionOptions } from './pool';
export { fanOut, FanOutSummary, RouterOutcome } from './fanout';
export { resolveTargets, Targets, TargetOptions } from './targets';
