import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { CommandParams, fanOut, PoolRouter } from '../../client';
import { reportRouterError } from '../shared/errors';
import { routerAddress, summaryPayload } from '../shared/fleet-routers';
import type { RouterOSFleetNode } from '../shared/fleet-types';
import { ReplyShape, shapeReply } from '../shared/reply';

/** The two outputs of a command node on a fleet: per-router replies, then the summary. */
export type FleetSend = (messages: [NodeMessage | NodeMessage[] | null, NodeMessage | null]) => void;

/**
 * Runs one command on every router a message names, at most the fleet's "at once" together.
 * Each router's reply leaves on output 1 as soon as it comes (msg.router, msg.routeros.router);
 * a router that fails reaches Catch as its own message; once all have answered or failed, the
 * summary leaves on output 2. Throws InputError (nothing opened) when the routers are not valid.
 */
export async function runOnFleet(
  RED: NodeAPI,
  node: Node,
  fleet: RouterOSFleetNode,
  msg: NodeMessage,
  request: { command: string; params: CommandParams; routers: unknown; shape: ReplyShape },
  send: FleetSend,
): Promise<void> {
  const { command, params, shape } = request;
  const targets = fleet.targets(request.routers);
  const pool = fleet.pool();
  const options = { timeout: fleet.callTimeout };
  const summary = await fanOut(
    targets.routers,
    fleet.concurrency,
    async (router: PoolRouter) => {
      // Who the router is is read once per connection, alongside the command the first time.
      const known = pool.knownInfo(router);
      if (known) return { result: await pool.call(router, command, params, options), info: known };
      const [result, info] = await Promise.all([
        pool.call(router, command, params, options),
        pool.info(router, options).catch(() => undefined),
      ]);
      return { result, info };
    },
    (outcome, router) => {
      const out: NodeMessage = RED.util.cloneMessage(msg);
      out.router = router.name;
      if (outcome.ok) {
        const { result, info } = outcome.value;
        out.routeros = { command, tag: result.tag, router: info ?? routerAddress(router) };
        const shaped = shapeReply(RED, out, result, shape);
        if (!Array.isArray(shaped) || shaped.length > 0) send([shaped, null]);
      } else {
        out.routeros = { command, router: routerAddress(router) };
        reportRouterError(node, outcome.error, out);
      }
    },
  );
  const done: NodeMessage = RED.util.cloneMessage(msg);
  done.payload = summaryPayload(summary, targets);
  done.routeros = { command };
  send([null, done]);
}
