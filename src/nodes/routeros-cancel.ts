import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { InputError } from '../client';
import { failInput } from './shared/errors';
import { connectionStatus } from './shared/status';
import { useConnection } from './shared/use-connection';

interface CancelDef extends NodeDef {
  connection: string;
  tag: string;
}

/** Sends `/cancel` for a tag; the listen node that owns the stream shows it stopped. */
export = function (RED: NodeAPI): void {
  function RouterOSCancel(this: Node, def: CancelDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const binding = useConnection(RED, node, def.connection);

    node.on('input', async (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      try {
        const tag = (def.tag || '').trim() || msg.tag;
        if (typeof tag !== 'string' || tag === '') {
          throw new InputError('no tag to cancel: set one in the node or send it as msg.tag');
        }
        const session = binding.session();
        await session.cancel(tag);
        msg.payload = { tag, cancelled: true };
        send(msg);
        // Clears the red status an earlier failed cancel left, as the command node does.
        node.status(connectionStatus(session.state, undefined));
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
