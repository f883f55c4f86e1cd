import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { normaliseCommand } from '../client';
import { FleetSend, runOnFleet } from './command/fleet-command';
import { routersOf } from './shared/fleet-routers';
import { failInput } from './shared/errors';
import { chooseCommand, CommandConfig, resolveParams } from './shared/params';
import { ReplyShape, shapeReply } from './shared/reply';
import { connectionStatus } from './shared/status';
import { ConnectionBinding, useConnection } from './shared/use-connection';
import { FleetBinding, useFleet } from './shared/use-fleet';

interface CommandDef extends NodeDef, CommandConfig {
  /** `fleet`: the node works on routers of a routeros-fleet; otherwise on its connection. */
  targetType?: 'connection' | 'fleet';
  connection: string;
  fleet?: string;
  /** With a fleet: the routers when a message names none ("*", or names / host:port). */
  routers?: string;
  mode: 'oneshot' | 'array';
  split: boolean;
  parseValues: boolean;
}

type Send = (m: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

/** Maps a message to one command (on one router, or on routers of a fleet) and the answer back. */
export = function (RED: NodeAPI): void {
  function RouterOSCommand(this: Node, def: CommandDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const shape: ReplyShape = {
      mode: def.mode === 'oneshot' ? 'oneshot' : 'array',
      split: def.split === true,
      parseValues: Boolean(def.parseValues),
    };
    const onFleet = def.targetType === 'fleet';
    const binding: ConnectionBinding | FleetBinding = onFleet
      ? useFleet(RED, node, def.fleet)
      : useConnection(RED, node, def.connection);

    async function single(connection: ConnectionBinding, msg: NodeMessageInFlow, send: Send): Promise<void> {
      const session = connection.session();
      const command = chooseCommand(def.command, msg);
      msg.routeros = { command };
      const params = await resolveParams(RED, node, def, msg);
      const result = await session.call(command, params, { timeout: connection.connection?.callTimeout });
      msg.routeros = { command, tag: result.tag };
      const shaped = shapeReply(RED, msg, result, shape);
      // Split: one send per message. Given as one array, the runtime would deep-clone every
      // message after the first (payload and all), though each part is already its own copy.
      if (!Array.isArray(shaped)) send(shaped);
      else for (const part of shaped) send(part);
      if (connection.connection?.session) node.status(connectionStatus(connection.connection.session.state, undefined));
    }

    async function fleet(fleetBinding: FleetBinding, msg: NodeMessageInFlow, send: Send): Promise<void> {
      const target = fleetBinding.fleet();
      const command = normaliseCommand(chooseCommand(def.command, msg));
      msg.routeros = { command };
      const params = await resolveParams(RED, node, def, msg);
      const routers = routersOf(msg, def.routers);
      await runOnFleet(RED, node, target, msg, { command, params, routers, shape }, send as FleetSend);
    }

    node.on('input', async (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
      try {
        if (onFleet) await fleet(binding as FleetBinding, msg, send);
        else await single(binding as ConnectionBinding, msg, send);
        done();
      } catch (err) {
        failInput(node, err, msg, done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      binding.release().then(done, done);
    });
  }

  RED.nodes.registerType('routeros-command', RouterOSCommand);
};
