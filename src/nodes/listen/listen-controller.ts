import type { NodeMessage, NodeStatus } from 'node-red';
import { Attributes, parseRowValues, PoolRouter, SessionState, StreamEndReason } from '../../client';
import { withDeadline } from '../shared/deadline';
import { connectionStatus, Translate } from '../shared/status';
import { StreamEvents, StreamGroup, StreamRequest } from './stream-group';

export { StreamRequest } from './stream-group';

/** Status updates at most this often, however fast events arrive. */
const STATUS_INTERVAL_MS = 1000;
/**
 * On close, wait this long for the routers to confirm the streams ended, then let go anyway
 * (Node-RED allows a close 15 s; the connection may still need a few to close after us).
 */
const CLOSE_STOP_WAIT_MS = 5000;

/** What the controller needs of its Node-RED node. */
export interface ListenPort {
  send(msg: NodeMessage): void;
  status(status: NodeStatus): void;
  /** A stream failed on its own (no input message to finish): to Catch nodes with `msg`. */
  reportError(err: Error, msg: NodeMessage): void;
  /** Reads and checks what `msg` asks for; throws InputError. */
  request(msg: NodeMessage): Promise<StreamRequest>;
  /** Starts what `request` asks for, on the connection or on the routers of a fleet `msg` names. */
  startStreams(msg: NodeMessage, request: StreamRequest, events: StreamEvents): Promise<StreamGroup>;
  translate: Translate;
  parseValues: boolean;
  /** On a fleet: status texts say "on r/n" and events carry msg.router. */
  onFleet: boolean;
}

/**
 * The listen node's behaviour: one group of streams at a time (one stream on a connection, one
 * per router on a fleet), started by a message (or at deploy), replaced by the next, stopped by
 * `payload: "stop"` or close; each `!re` a message; a status that follows the streams and the
 * connection. Messages are handled in order, so a start never races the stop before it; when a
 * new stream takes the tag of one still ending on the router, the session waits for the router
 * to let go of it (the client owns that).
 */
export class ListenController {
  private readonly port: ListenPort;
  private group: StreamGroup | undefined;
  private events = 0;
  private statusTimer: NodeJS.Timeout | undefined;
  private connectionState: SessionState = 'connecting';
  private closing = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(port: ListenPort) {
    this.port = port;
  }

  /** A connection state change: shown unless running streams' own status says more. */
  onConnectionState(state: SessionState, status: NodeStatus): void {
    this.connectionState = state;
    if (state === 'disconnected') {
      this.port.status(status);
    } else if (!this.group) {
      if (state === 'connected') this.show('grey', 'routeros-listen.status.stopped');
      else this.port.status(connectionStatus('connecting', undefined));
    }
  }

  /** The fleet's summary, shown while no stream runs. */
  onFleetStatus(status: NodeStatus): void {
    if (!this.group) this.port.status(status);
  }

  /** An input message, handled after the ones before it. Rejects when it asks for something invalid. */
  handle(msg: NodeMessage): Promise<void> {
    const run = this.queue.then(async () => {
      // An invalid request is refused before the running streams are stopped.
      const next = msg.payload === 'stop' ? undefined : await this.port.request(msg);
      await this.stop();
      if (next && !this.closing) await this.start(msg, next);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts the configured streams once the flow is up (nodes start in order). */
  autoStart(): void {
    setImmediate(() => {
      this.queue = this.queue.then(async () => {
        if (this.closing) return;
        try {
          await this.start({}, await this.port.request({}));
        } catch (err) {
          this.port.reportError(err instanceof Error ? err : new Error(String(err)), {});
        }
      });
    });
  }

  /** Stops the streams (after any message being handled), waiting a bounded time for the routers. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.statusTimer);
    await withDeadline(
      this.queue.then(() => this.stop()),
      CLOSE_STOP_WAIT_MS,
      () => undefined,
    );
    // Streams a slow handler started after all are stopped without waiting for the routers.
    void this.stop().catch(() => undefined);
  }

  private async start(msg: NodeMessage, request: StreamRequest): Promise<void> {
    this.events = 0;
    // Streams may report before startStreams resolves (a router refusing at once): `started`
    // holds the group once there is one.
    const started: { group?: StreamGroup } = {};
    const events: StreamEvents = {
      onRow: (row, tag, router) => this.onRow(request.command, row, tag, router),
      onChange: () => {
        if (started.group && this.group === started.group) this.showStreams(started.group);
      },
      onEnd: (reason, error, router, tag) =>
        this.onEnd(started.group, request.command, msg, { reason, error, router, tag }),
    };
    const group = await this.port.startStreams(msg, request, events);
    started.group = group;
    if (group.live === 0) return; // every stream failed to start, each reported as it did
    this.group = group;
    this.showStreams(group);
  }

  private onRow(command: string, row: Attributes, tag: string, router: string | undefined): void {
    this.events++;
    const payload = this.port.parseValues ? parseRowValues(row) : row;
    this.port.send(router === undefined ? { payload, tag, topic: command } : { payload, tag, topic: command, router });
    this.scheduleStatus();
  }

  /**
   * One stream ended. An error goes to Catch at once (on a fleet with msg.router), even while
   * the group is still starting; the status follows once the whole group has ended.
   */
  private onEnd(
    group: StreamGroup | undefined,
    command: string,
    msg: NodeMessage,
    end: { reason: StreamEndReason; error: Error | undefined; router: PoolRouter | undefined; tag: string },
  ): void {
    if (this.closing) return;
    const { reason, error, router, tag } = end;
    if (reason === 'error' && error) {
      const routeros = router
        ? { command, tag, router: { name: router.name, host: router.host, port: router.port } }
        : { command, tag };
      this.port.reportError(error, router ? { ...msg, router: router.name, routeros } : { ...msg, routeros });
    }
    if (!group) return;
    if (group.live > 0) {
      if (this.group === group) this.showStreams(group);
      return;
    }
    if (this.group === group) this.group = undefined;
    if (reason !== 'error') {
      this.show('grey', reason === 'cancelled' ? 'routeros-listen.status.stopped' : 'routeros-listen.status.finished');
    }
  }

  private async stop(): Promise<void> {
    const current = this.group;
    this.group = undefined;
    if (current) await current.stop();
  }

  private scheduleStatus(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      if (this.group) this.showStreams(this.group);
    }, STATUS_INTERVAL_MS);
  }

  private showStreams(group: StreamGroup): void {
    const { running, total } = group;
    if (this.port.onFleet) {
      const text = this.port.translate('routeros-listen.status.fleet', { running, total, count: this.events });
      const fill = running === total ? 'green' : running > 0 ? 'yellow' : 'red';
      this.port.status({ fill, shape: running > 0 ? 'dot' : 'ring', text });
      return;
    }
    if (running === 0) {
      if (this.connectionState !== 'disconnected') this.show('yellow', 'routeros-listen.status.waiting');
      return;
    }
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
