import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { fanOut, PoolRouter } from '../../client';
import { checkDesired, ensure, EnsureOptions, EnsureResult, menuPath } from '../../desired';
import type { FleetSend } from '../command/fleet-command';
import { reportRouterError } from '../shared/errors';
import { routerInfo, summaryPayload } from '../shared/fleet-routers';
import type { RouterOSFleetNode } from '../shared/fleet-types';

/**
 * Ensure on every router a message names, at most the fleet's "at once" together. The desired
 * entries are checked once, before any connection opens (EINPUT then fails the whole message).
 * Each router's report leaves on output 1 with msg.router; a router whose run fails (a `!trap`
 * part-way, a refusal by "most changes", a lost connection) reaches Catch as its own message,
 * with what was applied there in msg.payload; the summary leaves on output 2.
 */
export async function ensureOnFleet(
  RED: NodeAPI,
  node: Node,
  fleet: RouterOSFleetNode,
  msg: NodeMessage,
  request: { options: EnsureOptions; routers: unknown },
  send: FleetSend,
): Promise<void> {
  const { options } = request;
  menuPath(options.path);
  checkDesired(msg.payload, options);
  const targets = fleet.targets(request.routers);
  const pool = fleet.pool();
  const run = { timeout: fleet.callTimeout };
  const summary = await fanOut(
    targets.routers,
    fleet.concurrency,
    async (router: PoolRouter) => {
      const caller = { call: pool.call.bind(pool, router) };
      const result: EnsureResult = await ensure(caller, msg.payload, options, run);
      if (result.error) throw Object.assign(result.error, { ensureResult: result });
      return result;
    },
    (outcome, router) => {
      const out: NodeMessage = RED.util.cloneMessage(msg);
      out.router = router.name;
      const where = routerInfo(pool, router);
      if (outcome.ok) {
        out.payload = outcome.value.report;
        out.routeros = { path: options.path, diff: outcome.value.diff, router: where };
        send([out, null]);
        return;
      }
      const partial = (outcome.error as Error & { ensureResult?: EnsureResult }).ensureResult;
      if (partial) out.payload = partial.report;
      out.routeros = { path: options.path, diff: partial?.diff ?? [], router: where };
      reportRouterError(node, outcome.error, out);
    },
  );
  const done: NodeMessage = RED.util.cloneMessage(msg);
  done.payload = summaryPayload(summary, targets);
  done.routeros = { path: options.path, dryRun: options.dryRun };
  send([null, done]);
}
