import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { Attributes, CallResult, oneshotReply, parseRowValues } from '../client';
import { failInput } from './shared/errors';
import { chooseCommand, CommandConfig, resolveParams } from './shared/params';
import { connectionStatus } from './shared/status';
import { useConnection } from './shared/use-connection';

interface CommandDef extends NodeDef, CommandConfig {
  connection: string;
  mode: 'oneshot' | 'array';
  split: boolean;
  parseValues: boolean;
}

/** Maps a message to one command and its answer back onto the message. */
export = function (RED: NodeAPI): void {
  function RouterOSCommand(this: Node, def: CommandDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const binding = useConnection(RED, node, def.connection);
    const oneshot = def.mode === 'oneshot';
    const convert = (row: Attributes) => (def.parseValues ? parseRowValues(row) : row);

    type Send = (m: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

    node.on('input', async (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
      try {
        const session = binding.session();
        const command = chooseCommand(def.command, msg);
        msg.routeros = { command };
        const params = await resolveParams(RED, node, def, msg);
        const result: CallResult = await session.call(command, params, {
          timeout: binding.connection?.callTimeout,
        });
        msg.routeros = { command, tag: result.tag };
        if (oneshot) {
          msg.payload = convert(oneshotReply(result));
          send(msg);
        } else if (def.split) {
          sendRows(msg, result.rows.map(convert), send);
        } else {
          msg.payload = result.rows.map(convert);
          send(msg);
        }
        if (binding.connection?.session) node.status(connectionStatus(binding.connection.session.state, undefined));
        done();
      } catch (err) {
        failInput(node, err, msg, done);
      }
    });

    /**
     * One message per row with msg.parts, so a core join node rebuilds the array. Like the core
     * split node, a msg.parts the message already had is kept as msg.parts.parts (a stack), which
     * the join node puts back once it has rebuilt the array.
     */
    function sendRows(msg: NodeMessageInFlow, rows: unknown[], send: Send): void {
      const id = RED.util.generateId();
      const nested = Object.prototype.hasOwnProperty.call(msg, 'parts');
      const out: NodeMessage[] = rows.map((row, index) => {
        const part: NodeMessage = RED.util.cloneMessage(msg);
        part.payload = row;
        const parts = { id, index, count: rows.length, type: 'array', len: 1 };
        part.parts = nested ? { parts: part.parts, ...parts } : parts;
        return part;
      });
      // An array inside the array: every message to the node's one output.
      if (out.length > 0) send([out]);
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      binding.release().then(done, done);
    });
  }

  RED.nodes.registerType('routeros-command', RouterOSCommand);
};
