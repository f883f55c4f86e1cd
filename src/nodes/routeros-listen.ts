import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { buildCommandWords, checkTag, InputError, normaliseCommand } from '../client';
import { routersOf } from './shared/fleet-routers';
import { failInput, reportError } from './shared/errors';
import { chooseCommand, CommandConfig, resolveParams } from './shared/params';
import { useConnection } from './shared/use-connection';
import { useFleet } from './shared/use-fleet';
import { ListenController, StreamRequest } from './listen/listen-controller';
import { fleetStreams, singleStream } from './listen/stream-group';

interface ListenDef extends NodeDef, CommandConfig {
  targetType?: 'connection' | 'fleet';
  connection: string;
  fleet?: string;
  routers?: string;
  parseValues: boolean;
  tag: string;
  autoStart: boolean;
}

/**
 * Runs a streaming command (`listen`, `/tool/torch` ...) on a connection, or on routers of a
 * fleet, and sends every `!re` as its own message. The behaviour lives in ListenController;
 * this is the wiring to Node-RED.
 */
export = function (RED: NodeAPI): void {
  function RouterOSListen(this: Node, def: ListenDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configuredTag = (def.tag || '').trim();
    const onFleet = def.targetType === 'fleet';

    /** Reads and checks everything `msg` asks for; throws InputError before anything changes. */
    async function request(msg: NodeMessage): Promise<StreamRequest> {
      if (fleetBinding) fleetBinding.fleet();
      else session();
      const command = normaliseCommand(chooseCommand(def.command, msg));
      const params = await resolveParams(RED, node, def, msg);
      buildCommandWords(command, params);
      const tag = configuredTag || (typeof msg.tag === 'string' && msg.tag !== '' ? msg.tag : undefined);
      if (tag !== undefined) checkTag(tag);
      return { command, params, tag };
    }

    const controller = new ListenController({
      send: (msg) => node.send(msg),
      status: (status) => node.status(status),
      reportError: (err, msg) => reportError(node, err, msg),
      request,
      startStreams: async (msg, streamRequest, events) => {
        if (!fleetBinding) return singleStream(session(), streamRequest, events);
        const fleet = fleetBinding.fleet();
        const spec = routersOf(msg, def.routers);
        return fleetStreams(fleet.pool(), fleet.targets(spec).routers, streamRequest, events);
      },
      translate: RED._,
      parseValues: Boolean(def.parseValues),
      onFleet,
    });
    const fleetBinding = onFleet
      ? useFleet(RED, node, def.fleet, (status) => controller.onFleetStatus(status))
      : undefined;
    const connection = onFleet
      ? undefined
      : useConnection(RED, node, def.connection, (state, _error, status) =>
          controller.onConnectionState(state, status),
        );

    function session() {
      if (!connection) throw new InputError('no RouterOS connection is configured for this node', 'ENOCONNECTION');
      return connection.session();
    }

    node.on('input', (msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => {
      controller.handle(msg).then(
        () => done(),
        (err: unknown) => failInput(node, err, msg, done),
      );
    });

    if (def.autoStart !== false) controller.autoStart();

    node.on('close', (_removed: boolean, done: () => void) => {
      controller
        .close()
        .then(() => (fleetBinding ?? connection)?.release())
        .then(done, done);
    });
  }

  RED.nodes.registerType('routeros-listen', RouterOSListen);
};
