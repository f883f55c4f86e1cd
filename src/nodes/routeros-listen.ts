import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { Attributes, ManagedStream, parseRowValues, SessionState, StreamEndReason } from '../client';
import { asError, errorStatus, reportInputError } from './shared/errors';
import { chooseCommand, CommandConfig, resolveParams } from './shared/params';
import { useConnection } from './shared/use-connection';

interface ListenDef extends NodeDef, CommandConfig {
  connection: string;
  parseValues: boolean;
  tag: string;
  autoStart: boolean;
}

/** Status updates at most this often, however fast events arrive. */
const STATUS_INTERVAL_MS = 1000;

/**
 * Runs a streaming command (`listen`, `/tool/torch` ...) and sends every `!re` as its own
 * message. The session re-issues the stream after a reconnect; this node only maps rows to
 * messages and keeps its status honest.
 */
export = function (RED: NodeAPI): void {
  function RouterOSListen(this: Node, def: ListenDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configuredTag = (def.tag || '').trim();
    let stream: ManagedStream | undefined;
    let events = 0;
    let statusTimer: NodeJS.Timeout | undefined;
    let connectionState: SessionState = 'connecting';
    let closing = false;

    const show = (status: NodeStatus) => node.status(status);
    const listeningStatus = (): NodeStatus => ({
      fill: 'green',
      shape: 'dot',
      text:
        events === 0 ? 'routeros-listen.status.listening' : RED._('routeros-listen.status.events', { count: events }),
    });

    const binding = useConnection(RED, node, def.connection, (state, error) => {
      connectionState = state;
      if (state === 'disconnected') {
        show(error ? errorStatus(error) : { fill: 'red', shape: 'ring', text: 'node-red:common.status.disconnected' });
      } else if (!stream) {
        if (state === 'connected') show({ fill: 'grey', shape: 'ring', text: 'routeros-listen.status.stopped' });
        else show({ fill: 'grey', shape: 'ring', text: 'node-red:common.status.connecting' });
      }
    });

    function scheduleStatus(): void {
      if (statusTimer) return;
      statusTimer = setTimeout(() => {
        statusTimer = undefined;
        if (stream?.running) show(listeningStatus());
      }, STATUS_INTERVAL_MS);
    }

    async function start(msg: NodeMessage): Promise<void> {
      const session = binding.session();
      const command = chooseCommand(def.command, msg);
      const params = await resolveParams(RED, node, def, msg);
      const tag = configuredTag || (typeof msg.tag === 'string' && msg.tag !== '' ? msg.tag : undefined);
      events = 0;
      const current: ManagedStream = session.stream(command, params, {
        tag,
        onRow: (row: Attributes, rowTag: string) => {
          events++;
          const payload = def.parseValues ? parseRowValues(row) : row;
          node.send({ payload, tag: rowTag, topic: current.command });
          scheduleStatus();
        },
        onState: (state) => {
          if (state === 'running') show(listeningStatus());
          else if (connectionState !== 'disconnected')
            show({ fill: 'yellow', shape: 'ring', text: 'routeros-listen.status.waiting' });
        },
        onEnd: (reason: StreamEndReason, error?: Error) => {
          if (stream === current) stream = undefined;
          if (closing) return;
          if (reason === 'error' && error) {
            show(errorStatus(error));
            node.error(error, { ...msg, routeros: { command: current.command, tag: current.tag } });
          } else {
            show({
              fill: 'grey',
              shape: 'ring',
              text: reason === 'cancelled' ? 'routeros-listen.status.stopped' : 'routeros-listen.status.finished',
            });
          }
        },
      });
      stream = current;
    }

    async function stop(): Promise<void> {
      const current = stream;
      stream = undefined;
      if (current) await current.stop();
    }

    // Messages are handled one after another: a start must not race the stop before it
    // (the router frees a tag only once the cancelled command has ended).
    let queue = Promise.resolve();
    node.on('input', (msg: NodeMessageInFlow, _send: unknown, done: () => void) => {
      queue = queue.then(async () => {
        try {
          await stop();
          if (msg.payload !== 'stop') await start(msg);
          done();
        } catch (err) {
          reportInputError(node, err, msg, done);
        }
      });
    });

    if (def.autoStart !== false) {
      // Nodes start in order; let the whole flow come up before the first rows are sent.
      setImmediate(() => {
        if (closing) return;
        start({}).catch((err: unknown) => {
          const error = asError(err);
          show(errorStatus(error));
          node.error(error, {});
        });
      });
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      clearTimeout(statusTimer);
      stop()
        .catch(() => undefined)
        .then(() => binding.release())
        .then(done, done);
    });
  }

  RED.nodes.registerType('routeros-listen', RouterOSListen);
};
