import type { NodeAPI, NodeDef, NodeStatus } from 'node-red';
import {
  API_PORT,
  API_SSL_PORT,
  checkShard,
  FleetRouter,
  InputError,
  inShard,
  isTextEncoding,
  parseRouterList,
  resolveTargets,
  RouterPool,
  Shard,
  WHOLE_FLEET,
} from '../client';
import { withDeadline } from './shared/deadline';
import type { FleetUser, RouterOSFleetNode } from './shared/fleet-types';
import { isPort, isPositive, isWholeAtLeastOne, sessionOptions, setting } from './shared/settings';
import { tlsOptions } from './shared/tls';

interface FleetDef extends NodeDef {
  routers: string;
  port: string | number;
  username: string;
  useTls: boolean;
  tlsConfig: string;
  encoding: string;
  timeout: string | number;
  keepalive: string | number;
  loginRetry: string | number;
  maxConnections: string | number;
  concurrency: string | number;
  idleTimeout: string | number;
  allowUnlisted: boolean;
  shardIndex: string | number;
  shardCount: string | number;
}

/** close() of every pooled connection must end well within Node-RED's 15 s. */
const CLOSE_WAIT_MS = 5000;

/**
 * The fleet config node: one account and connection settings for a list of routers, and the
 * pool that connects to them on demand. Nodes name routers per message; the password is only
 * ever sent to routers on the list (unless the fleet allows others).
 */
export = function (RED: NodeAPI): void {
  function RouterOSFleet(this: RouterOSFleetNode, def: FleetDef): void {
    RED.nodes.createNode(this, def);
    const node = this as RouterOSFleetNode & {
      routers: FleetRouter[];
      shardRouters: FleetRouter[];
      problem: Error | undefined;
      callTimeout: number;
      concurrency: number;
    };
    const warn = (text: string) => node.warn(text);
    const num = (name: keyof FleetDef, fallback: number, valid: (n: number) => boolean) =>
      setting(RED, warn, 'routeros-fleet', String(name), def[name], fallback, valid);
    const useTls = def.useTls === true;
    const port = num('port', useTls ? API_SSL_PORT : API_PORT, isPort);
    const timeoutMs = num('timeout', 10, isPositive) * 1000;
    const keepaliveMs = num('keepalive', 30, isPositive) * 1000;
    const loginRetryMs = num('loginRetry', 300, isPositive) * 1000;
    const maxConnections = num('maxConnections', 1000, isWholeAtLeastOne);
    const idleTimeoutMs = num('idleTimeout', 300, isPositive) * 1000;
    node.concurrency = num('concurrency', 100, isWholeAtLeastOne);
    node.callTimeout = timeoutMs;
    const allowUnlisted = def.allowUnlisted === true;
    let shard: Shard = WHOLE_FLEET;
    node.routers = [];
    node.shardRouters = [];
    node.problem = undefined;
    try {
      shard = checkShard({
        index: num('shardIndex', 1, isWholeAtLeastOne),
        count: num('shardCount', 1, isWholeAtLeastOne),
      });
      node.routers = parseRouterList(def.routers ?? '', port);
      node.shardRouters = node.routers.filter((router) => inShard(router.name, shard));
    } catch (err) {
      node.problem = err instanceof Error ? err : new Error(String(err));
      node.error(node.problem);
    }

    const users = new Map<string, FleetUser>();
    let pool: RouterPool | undefined;

    /** "38/40 connected": the routers whose last contact worked, of this instance's share. */
    function fleetStatus(): NodeStatus {
      if (node.problem) return { fill: 'red', shape: 'ring', text: RED._('routeros-fleet.status.bad-list') };
      const total = node.shardRouters.length;
      let up = 0;
      let down = 0;
      for (const router of node.shardRouters) {
        const health = pool?.healthByName.get(router.name);
        if (health === 'up') up++;
        else if (health === 'down') down++;
      }
      const text = RED._('routeros-fleet.status.summary', { up, total });
      if (up === 0 && down === 0) return { fill: 'grey', shape: 'ring', text };
      if (up === 0) return { fill: 'red', shape: 'ring', text };
      return { fill: down === 0 ? 'green' : 'yellow', shape: 'dot', text };
    }

    let statusTimer: NodeJS.Timeout | undefined;
    /** Many routers change at once in a fan-out: tell the users at most a few times a second. */
    function statusChanged(): void {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        const status = fleetStatus();
        for (const user of users.values()) user.onFleetStatus(status);
      }, 200);
    }

    function openPool(): RouterPool {
      const created = new RouterPool({
        maxConnections,
        idleTimeout: idleTimeoutMs,
        session: {
          tls: useTls
            ? tlsOptions(RED, def.tlsConfig, () =>
                node.warn(RED._('routeros-fleet.warn.tls-unverified', { fleet: node.name || node.id })),
              )
            : false,
          ...sessionOptions({
            username: def.username,
            password: node.credentials?.password,
            encoding: isTextEncoding(def.encoding) ? def.encoding : 'utf8',
            timeoutMs,
            keepaliveMs,
            loginRetryMs,
          }),
        },
      });
      created.on('health', statusChanged);
      return created;
    }

    node.targets = (spec: unknown) => {
      if (node.problem) throw new InputError(`the fleet's settings are not valid: ${node.problem.message}`);
      return resolveTargets(spec, node.routers, { port, allowUnlisted, shard });
    };

    node.pool = () => {
      if (!pool) throw new InputError('the fleet is not open', 'ENOCONNECTION');
      return pool;
    };

    node.register = (user: FleetUser) => {
      users.set(user.node.id, user);
      pool ??= openPool();
      user.onFleetStatus(fleetStatus());
    };

    node.deregister = async (user: FleetUser) => {
      if (users.get(user.node.id) !== user) return;
      users.delete(user.node.id);
      if (users.size > 0 || !pool) return;
      const closing = pool;
      pool = undefined;
      await withDeadline(closing.close(), CLOSE_WAIT_MS, () => undefined);
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      users.clear();
      clearTimeout(statusTimer);
      const closing = pool;
      pool = undefined;
      if (!closing) {
        done();
        return;
      }
      withDeadline(closing.close(), CLOSE_WAIT_MS, () => undefined).then(done, done);
    });
  }

  RED.nodes.registerType<RouterOSFleetNode, FleetDef, unknown, { password?: string }>('routeros-fleet', RouterOSFleet, {
    credentials: { password: { type: 'password' } },
  });
};
