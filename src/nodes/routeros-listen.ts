import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import {
  Attributes,
  buildCommandWords,
  checkTag,
  CommandParams,
  ManagedStream,
  normaliseCommand,
  parseRowValues,
  SessionState,
  StreamEndReason,
} from '../client';
import { withDeadline } from './shared/deadline';
import { errorStatus, reportError, reportInputError } from './shared/errors';
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
 * On close, wait this long for the router to confirm the stream ended, then let go anyway
 * (Node-RED allows a close 15 s; the connection may still need a few to close after us).
 */
const CLOSE_STOP_WAIT_MS = 5000;

/** What a message asks the node to run, checked before the running stream is touched. */
interface StreamRequest {
  command: string;
  params: CommandParams;
  tag: string | undefined;
}

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

    function start(msg: NodeMessage, { command, params, tag }: StreamRequest): void {
      const session = binding.session();
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
            reportError(node, error, { ...msg, routeros: { command: current.command, tag: current.tag } });
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
    // (the router frees a tag only once the cancelled command has ended). A message that asks
    // for something invalid is refused before the running stream is stopped.
    let queue = Promise.resolve();
    node.on('input', (msg: NodeMessageInFlow, _send: unknown, done: () => void) => {
      queue = queue.then(async () => {
        try {
          const stopOnly = msg.payload === 'stop';
          const next = stopOnly ? undefined : await request(msg);
          await stop();
          if (next && !closing) start(msg, next);
          done();
        } catch (err) {
          reportInputError(node, err, msg, done);
        }
      });
    });

    if (def.autoStart !== false) {
      // Nodes start in order; let the whole flow come up before the first rows are sent.
      setImmediate(() => {
        queue = queue.then(async () => {
          if (closing) return;
          try {
            start({}, await request({}));
          } catch (err) {
            reportError(node, err, {});
          }
        });
      });
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      clearTimeout(statusTimer);
      // After any message being handled, so nothing starts once we are closed.
      withDeadline(queue.then(stop), CLOSE_STOP_WAIT_MS, () => undefined)
        .then(() => {
          // A stream a slow handler started after all is stopped without waiting for the router.
          void stop().catch(() => undefined);
          return binding.release();
        })
        .then(done, done);
    });
  }

  RED.nodes.registerType('routeros-listen', RouterOSListen);
};
