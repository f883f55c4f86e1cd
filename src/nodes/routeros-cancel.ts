import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { InputError, RouterOSError } from '../client';
import { routersOf } from './shared/fleet-routers';
import { failInput } from './shared/errors';
import type { RouterOSFleetNode } from './shared/fleet-types';
import { connectionStatus } from './shared/status';
import { ConnectionBinding, useConnection } from './shared/use-connection';
import { FleetBinding, useFleet } from './shared/use-fleet';

interface CancelDef extends NodeDef {
  targetType?: 'connection' | 'fleet';
  connection: string;
  fleet?: string;
  /** On a fleet: the routers when a message names none (default: every router). */
  routers?: string;
  tag: string;
}

/** Sends `/cancel` for a tag (on a connection, or on routers of a fleet); the listen node shows it stopped. */
export = function (RED: NodeAPI): void {
  function RouterOSCancel(this: Node, def: CancelDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const onFleet = def.targetType === 'fleet';
    const binding: ConnectionBinding | FleetBinding = onFleet
      ? useFleet(RED, node, def.fleet)
      : useConnection(RED, node, def.connection);

    node.on('input', async (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      try {
        const tag = (def.tag || '').trim() || msg.tag;
        if (typeof tag !== 'string' || tag === '') {
          throw new InputError('no tag to cancel: set one in the node or send it as msg.tag');
        }
        if (onFleet) {
          const spec = routersOf(msg, def.routers, '*');
          const routers = await cancelOnFleet((binding as FleetBinding).fleet(), spec, tag);
          msg.payload = { tag, cancelled: true, routers };
        } else {
          const session = (binding as ConnectionBinding).session();
          await session.cancel(tag);
          msg.payload = { tag, cancelled: true };
          // Clears the red status an earlier failed cancel left, as the command node does.
          node.status(connectionStatus(session.state, undefined));
        }
        send(msg);
        done();
      } catch (err) {
        failInput(node, err, msg, done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      binding.release().then(done, done);
    });
  }

  RED.nodes.registerType('routeros-cancel', RouterOSCancel);
};

/** Cancels `tag` on every router `spec` names; the names it ran on. ENOTAG when it ran nowhere. */
async function cancelOnFleet(fleet: RouterOSFleetNode, spec: unknown, tag: string): Promise<string[]> {
  const pool = fleet.pool();
  const { routers } = fleet.targets(spec);
  const cancelled: string[] = [];
  await Promise.all(
    routers.map(async (router) => {
      try {
        if (await pool.cancel(router, tag)) cancelled.push(router.name);
      } catch (err) {
        // That router had nothing under this tag: the others may.
        if (!(err instanceof RouterOSError && err.code === 'ENOTAG')) throw err;
      }
    }),
  );
  if (cancelled.length === 0) throw new InputError(`no running command with tag "${tag}" on the fleet`, 'ENOTAG');
  return cancelled.sort();
}
