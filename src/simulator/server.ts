import { EventEmitter } from 'node:events';
import { AddressInfo, Server, Socket } from 'node:net';
import { TextEncoding } from '../protocol';
import { SimRouter } from './router';
import { Session, SessionHost } from './session';
import { checkHost, createListener } from './transport';
import { CommandEvent, ConnectionInfo, SimulatorFaults, SimulatorOptions, defaultFaults } from './types';

function makeLogger(log: SimulatorOptions['log']): (line: string) => void {
  if (typeof log === 'function') return log;
  if (log === true) return (line) => console.log(`[routeros-simulator] ${line}`);
  return () => undefined;
}

/**
 * A RouterOS 7 API server on loopback with an in-memory router, for tests, benchmarks and the
 * demo. Events: `connection` (ConnectionInfo), `login` (username, ConnectionInfo),
 * `command` (CommandEvent), `close` (ConnectionInfo).
 */
export class RouterOSSimulator extends EventEmitter {
  /** Misbehaviour switches; change them (or replace the object) at any time. */
  faults: SimulatorFaults = defaultFaults();
  readonly router: SimRouter;
  private readonly options: SimulatorOptions;
  private readonly bindHost: string;
  private readonly log: (line: string) => void;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Session>();
  private readonly sessionHost: SessionHost;
  private server: Server | undefined;
  private boundPort: number;
  private readonly drainWaiters: Array<() => void> = [];
  private accepted = 0;
  private nextSessionId = 1;

  constructor(options: SimulatorOptions = {}) {
    super();
    this.options = options;
    this.bindHost = options.host ?? '127.0.0.1';
    checkHost(this.bindHost, options.allowNonLoopback);
    this.boundPort = options.port ?? 0;
    this.log = makeLogger(options.log);
    this.router = new SimRouter({ identity: options.identity });
    const encoding: TextEncoding = options.encoding ?? 'utf8';
    this.sessionHost = {
      router: this.router,
      username: options.username ?? 'admin',
      password: options.password ?? '',
      legacyLogin: options.legacyLogin ?? false,
      encoding,
      faults: () => this.faults,
      onLogin: (session) => this.emit('login', session.user, this.infoOf(session)),
      onCommand: (event: CommandEvent) => this.emit('command', event),
      log: this.log,
    };
  }

  /** The listening port (the ephemeral one once started); kept after stop() for restart(). */
  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.bindHost;
  }

  /** TCP connections currently open (including TLS handshakes in progress). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** TCP connections accepted over the simulator's whole life (restart() does not reset it). */
  get totalConnections(): number {
    return this.accepted;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Starts listening (a no-op when already listening). Each start is a fresh boot: uptime 0. */
  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    this.router.reboot();
    const server = createListener(
      this.options.tls,
      (socket) => this.onSession(socket),
      (socket) => this.onRaw(socket),
      this.log,
    );
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        this.server = undefined;
        reject(err);
      };
      server.once('error', onError);
      server.listen(this.boundPort, this.bindHost, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log(`server error: ${err.message}`));
        this.boundPort = (server.address() as AddressInfo).port;
        this.log(`listening on ${this.bindHost}:${this.boundPort}`);
        resolve();
      });
    });
  }

  /** Closes the server and destroys every connection; resolves when all are closed. */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      // The server reports closed before the sockets' own close events have run, so wait for
      // those too: then openConnections is 0 and every session has logged out.
      server.close(() => this.whenDrained(resolve));
      for (const session of this.sessions) session.drop();
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** A router reboot: stop, then start again on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Sends `!fatal <message>` to every session and closes them. */
  sendFatal(message = 'session terminated'): void {
    for (const session of this.sessions) session.fatal(message);
  }

  /** Destroys every client socket at once. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private whenDrained(callback: () => void): void {
    if (this.sockets.size === 0 && this.sessions.size === 0) callback();
    else this.drainWaiters.push(callback);
  }

  private checkDrained(): void {
    if (this.sockets.size > 0 || this.sessions.size > 0) return;
    const waiters = this.drainWaiters.splice(0);
    for (const waiter of waiters) waiter();
  }

  private onRaw(socket: Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.on('error', () => undefined); // the session (if any) logs; never let it throw
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.checkDrained();
    });
  }

  private onSession(socket: Socket): void {
    const session = new Session(this.nextSessionId++, socket, this.sessionHost);
    this.sessions.add(session);
    const info = this.infoOf(session);
    socket.on('close', () => {
      this.sessions.delete(session);
      this.emit('close', info);
      this.checkDrained();
    });
    this.emit('connection', info);
  }

  private infoOf(session: Session): ConnectionInfo {
    return { id: session.id, remoteAddress: session.remoteAddress, remotePort: session.remotePort };
  }
}
