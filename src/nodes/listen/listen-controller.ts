import type { NodeMessage, NodeStatus } from 'node-red';
import {
  Attributes,
  CommandParams,
  ManagedStream,
  parseRowValues,
  RouterOSSession,
  SessionState,
  StreamEndReason,
} from '../../client';
import { withDeadline } from '../shared/deadline';
import { connectionStatus, Translate } from '../shared/status';

/** Status updates at most this often, however fast events arrive. */
const STATUS_INTERVAL_MS = 1000;
/**
 * On close, wait this long for the router to confirm the stream ended, then let go anyway
 * (Node-RED allows a close 15 s; the connection may still need a few to close after us).
 */
const CLOSE_STOP_WAIT_MS = 5000;

/** What a message asks the node to run, checked before the running stream is touched. */
export interface StreamRequest {
  command: string;
  params: CommandParams;
  tag: string | undefined;
}

/** What the controller needs of its Node-RED node. */
export interface ListenPort {
  send(msg: NodeMessage): void;
  status(status: NodeStatus): void;
  /** A stream failed on its own (no input message to finish): to Catch nodes with `msg`. */
  reportError(err: Error, msg: NodeMessage): void;
  /** The session to use; throws ENOCONNECTION when there is none. */
  session(): RouterOSSession;
  /** Reads and checks what `msg` asks for; throws InputError. */
  request(msg: NodeMessage): Promise<StreamRequest>;
  translate: Translate;
  parseValues: boolean;
}

/**
 * The listen node's behaviour: one stream at a time, started by a message (or at deploy),
 * replaced by the next, stopped by `payload: "stop"` or close, each `!re` a message, and a
 * status that follows both the stream and the connection. Messages are handled in order, so a
 * start never races the stop before it; when a new stream takes the tag of one still ending on
 * the router, the session waits for the router to let go of it (the client owns that).
 */
export class ListenController {
  private readonly port: ListenPort;
  private stream: ManagedStream | undefined;
  private events = 0;
  private statusTimer: NodeJS.Timeout | undefined;
  private connectionState: SessionState = 'connecting';
  private closing = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(port: ListenPort) {
    this.port = port;
  }

  /** A connection state change: shown unless a running stream's own status says more. */
  onConnectionState(state: SessionState, status: NodeStatus): void {
    this.connectionState = state;
    if (state === 'disconnected') {
      this.port.status(status);
    } else if (!this.stream) {
      if (state === 'connected') this.show('grey', 'routeros-listen.status.stopped');
      else this.port.status(connectionStatus('connecting', undefined));
    }
  }

  /** An input message, handled after the ones before it. Rejects when it asks for something invalid. */
  handle(msg: NodeMessage): Promise<void> {
    const run = this.queue.then(async () => {
      // An invalid request is refused before the running stream is stopped.
      const next = msg.payload === 'stop' ? undefined : await this.port.request(msg);
      await this.stop();
      if (next && !this.closing) this.start(msg, next);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts the configured stream once the flow is up (nodes start in order). */
  autoStart(): void {
    setImmediate(() => {
      this.queue = this.queue.then(async () => {
        if (this.closing) return;
        try {
          this.start({}, await this.port.request({}));
        } catch (err) {
          this.port.reportError(err instanceof Error ? err : new Error(String(err)), {});
        }
      });
    });
  }

  /** Stops the stream (after any message being handled), waiting a bounded time for the router. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.statusTimer);
    await withDeadline(
      this.queue.then(() => this.stop()),
      CLOSE_STOP_WAIT_MS,
      () => undefined,
    );
    // A stream a slow handler started after all is stopped without waiting for the router.
    void this.stop().catch(() => undefined);
  }

  private start(msg: NodeMessage, { command, params, tag }: StreamRequest): void {
    this.events = 0;
    const current: ManagedStream = this.port.session().stream(command, params, {
      tag,
      onRow: (row: Attributes, rowTag: string) => this.onRow(current, row, rowTag),
      onState: (state) => {
        if (state === 'running') this.showListening();
        else if (this.connectionState !== 'disconnected') this.show('yellow', 'routeros-listen.status.waiting');
      },
      onEnd: (reason: StreamEndReason, error?: Error) => this.onEnd(current, msg, reason, error),
    });
    this.stream = current;
  }

  private onRow(current: ManagedStream, row: Attributes, tag: string): void {
    this.events++;
    const payload = this.port.parseValues ? parseRowValues(row) : row;
    this.port.send({ payload, tag, topic: current.command });
    this.scheduleStatus();
  }

  private onEnd(current: ManagedStream, msg: NodeMessage, reason: StreamEndReason, error?: Error): void {
    if (this.stream === current) this.stream = undefined;
    if (this.closing) return;
    if (reason === 'error' && error) {
      this.port.reportError(error, { ...msg, routeros: { command: current.command, tag: current.tag } });
    } else {
      this.show('grey', reason === 'cancelled' ? 'routeros-listen.status.stopped' : 'routeros-listen.status.finished');
    }
  }

  private async stop(): Promise<void> {
    const current = this.stream;
    this.stream = undefined;
    if (current) await current.stop();
  }

  private scheduleStatus(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      if (this.stream?.running) this.showListening();
    }, STATUS_INTERVAL_MS);
  }

  private showListening(): void {
    const text =
      this.events === 0
        ? 'routeros-listen.status.listening'
        : this.port.translate('routeros-listen.status.events', { count: this.events });
    this.port.status({ fill: 'green', shape: 'dot', text });
  }

  private show(fill: 'grey' | 'yellow', text: string): void {
    this.port.status({ fill, shape: 'ring', text });
  }
}
