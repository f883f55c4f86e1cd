import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { buildCommandWords, checkTag, normaliseCommand } from '../client';
import { failInput, reportError } from './shared/errors';
import { chooseCommand, CommandConfig, resolveParams } from './shared/params';
import { useConnection } from './shared/use-connection';
import { ListenController, StreamRequest } from './listen/listen-controller';

interface ListenDef extends NodeDef, CommandConfig {
  connection: string;
  parseValues: boolean;
  tag: string;
  autoStart: boolean;
}

/**
 * Runs a streaming command (`listen`, `/tool/torch` ...) and sends every `!re` as its own
 * message. The behaviour lives in ListenController; this is the wiring to Node-RED.
 */
export = function (RED: NodeAPI): void {
  function RouterOSListen(this: Node, def: ListenDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configuredTag = (def.tag || '').trim();

    /** Reads and checks everything `msg` asks for; throws InputError before anything changes. */
    async function request(msg: NodeMessage): Promise<StreamRequest> {
      binding.session();
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
      session: () => binding.session(),
      request,
      translate: RED._,
      parseValues: Boolean(def.parseValues),
    });
    const binding = useConnection(RED, node, def.connection, (state, _error, status) =>
      controller.onConnectionState(state, status),
    );

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
        .then(() => binding.release())
        .then(done, done);
    });
  }

  RED.nodes.registerType('routeros-listen', RouterOSListen);
};
