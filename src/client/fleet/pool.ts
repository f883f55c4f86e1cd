import { EventEmitter } from 'node:events';
import type { Attributes } from '../../protocol';
import { CallOptions, CallResult } from '../client';
import { CommandParams } from '../command';
import { ConnectionClosedError } from '../errors';
import { ManagedStream, ManagedStreamOptions, RouterOSSession, SessionOptions, SessionState } from '../session';
import { hostLabel } from './router-list';

/** A router the pool can reach: its name in the fleet and its address. */
export interface PoolRouter {
  name: string;
  host: string;
  port: number;
}

/** What every pooled session shares: one account and the connection settings, no address. */
export type SharedSessionOptions = Omit<SessionOptions, 'host' | 'port'>;

export interface PoolOptions {
  session: SharedSessionOptions;
  /** Most connections open at once; beyond it the least recently used idle one closes (default 1000). */
  maxConnections?: number;
  /** Close a connection idle this long, in ms; 0 = never (default 300 000). Streams keep theirs. */
  idleTimeout?: number;
  /** For tests: makes the session of one router. */
  createSession?: (options: SessionOptions) => RouterOSSession;
}

/** Who a router is, read once per connection (flows branch on RouterOS 6 vs 7). */
export interface RouterInfo {
  name: string;
  host: string;
  port: number;
  identity: string | undefined;
  version: string | undefined;
  board: string | undefined;
}

/** What the pool last knew of a router, for a status summary. */
export type RouterHealth = 'up' | 'down';

interface Entry {
  router: PoolRouter;
  key: string;
  session: RouterOSSession;
  /** Calls and streams using it now; it may only be closed at 0. */
  users: number;
  idleTimer: NodeJS.Timeout | undefined;
  info: Promise<RouterInfo> | undefined;
  /** The info once read, for callers that want it without waiting a turn. */
  known: RouterInfo | undefined;
}

const DEFAULT_MAX_CONNECTIONS = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** How long a closing connection waits for the router to close its side. */
const CLOSE_GRACE_MS = 1000;

/**
 * One session per router, opened on demand and shared by every call to that router. At most
 * `maxConnections` exist at once: a new one first closes the least recently used idle one, or
 * waits until one is idle. A connection idle for `idleTimeout` closes; one carrying a stream
 * stays. Events: `health` (name, 'up' | 'down') when what the pool knows of a router changes.
 */
export class RouterPool extends EventEmitter {
  private readonly options: PoolOptions;
  private readonly maxConnections: number;
  private readonly idleTimeout: number;
  /** In least-recently-used order: Map keeps insertion order, and a use re-inserts. */
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Array<() => void> = [];
  private readonly health = new Map<string, RouterHealth>();
  /** Sessions being closed to make room: counted until their socket is gone. */
  private closing = 0;
  private closed = false;

  constructor(options: PoolOptions) {
    super();
    this.options = options;
    this.maxConnections = Math.max(1, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS);
    this.idleTimeout = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** Connections (sessions) open or opening now, including those being closed to make room. */
  get size(): number {
    return this.entries.size + this.closing;
  }

  /** What the pool last knew of each router it has talked to. */
  get healthByName(): ReadonlyMap<string, RouterHealth> {
    return this.health;
  }

  /** Runs one command on `router`; its connection is opened or reused. */
  async call(router: PoolRouter, command: unknown, params?: CommandParams, options?: CallOptions): Promise<CallResult> {
    const entry = await this.acquire(router);
    try {
      const result = await entry.session.call(command, params, options);
      this.mark(router.name, 'up');
      return result;
    } catch (err) {
      if (entry.session.state !== 'connected') this.mark(router.name, 'down');
      throw err;
    } finally {
      this.release(entry);
    }
  }

  /** Who `router` is (identity, version, board), read once per connection. */
  async info(router: PoolRouter, options?: CallOptions): Promise<RouterInfo> {
    const entry = await this.acquire(router);
    try {
      entry.info ??= this.readInfo(entry, options);
      return await entry.info;
    } finally {
      this.release(entry);
    }
  }

  /** Who `router` is, when the current connection has read it already (no wait, no lease). */
  knownInfo(router: PoolRouter): RouterInfo | undefined {
    return this.entries.get(keyOf(router))?.known;
  }

  /** A stream on `router` that resumes after reconnects; it holds its connection until it ends. */
  async stream(
    router: PoolRouter,
    command: unknown,
    params: CommandParams | undefined,
    options: ManagedStreamOptions,
  ): Promise<ManagedStream> {
    const entry = await this.acquire(router);
    let released = false;
    const releaseOnce = () => {
      if (released) return;
      released = true;
      this.release(entry);
    };
    try {
      return entry.session.stream(command, params, {
        ...options,
        onEnd: (reason, error) => {
          releaseOnce();
          options.onEnd?.(reason, error);
        },
      });
    } catch (err) {
      releaseOnce();
      throw err;
    }
  }

  /** Cancels `tag` on `router` when a connection to it is open (nothing to cancel otherwise). */
  async cancel(router: PoolRouter, tag: string): Promise<boolean> {
    const entry = this.entries.get(keyOf(router));
    if (!entry || !(entry.session.hasStream(tag) || entry.session.connected)) return false;
    await entry.session.cancel(tag);
    return true;
  }

  /** The session state of `router`, when a connection to it is pooled. */
  stateOf(router: PoolRouter): SessionState | undefined {
    return this.entries.get(keyOf(router))?.session.state;
  }

  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(entries.map((entry) => this.closeEntry(entry)));
  }

  private async acquire(router: PoolRouter): Promise<Entry> {
    for (;;) {
      if (this.closed) throw new ConnectionClosedError('the fleet is closed');
      const key = keyOf(router);
      const existing = this.entries.get(key);
      if (existing) {
        this.use(existing);
        return existing;
      }
      if (this.size < this.maxConnections) return this.open(router, key);
      const idle = [...this.entries.values()].find((entry) => entry.users === 0);
      if (idle) {
        await this.evict(idle);
      } else {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
      }
    }
  }

  private open(router: PoolRouter, key: string): Entry {
    const create = this.options.createSession ?? ((options: SessionOptions) => new RouterOSSession(options));
    const session = create({ ...this.options.session, host: router.host, port: router.port });
    const entry: Entry = { router, key, session, users: 0, idleTimer: undefined, info: undefined, known: undefined };
    session.on('state', (state: SessionState) => {
      // A new connection may be a rebooted, upgraded router: read who it is again.
      if (state !== 'connected') {
        entry.info = undefined;
        entry.known = undefined;
      }
      if (state === 'connected') this.mark(router.name, 'up');
      if (state === 'disconnected') this.mark(router.name, 'down');
    });
    this.entries.set(key, entry);
    this.use(entry);
    session.start();
    return entry;
  }

  private use(entry: Entry): void {
    entry.users++;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    // Most recently used last.
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  private release(entry: Entry): void {
    entry.users--;
    if (entry.users > 0 || this.entries.get(entry.key) !== entry) return;
    this.waiting.shift()?.();
    if (this.idleTimeout > 0 && entry.users === 0) {
      entry.idleTimer = setTimeout(() => {
        if (entry.users === 0 && this.entries.get(entry.key) === entry) void this.evict(entry);
      }, this.idleTimeout);
      entry.idleTimer.unref();
    }
  }

  private async evict(entry: Entry): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.closing++;
    try {
      await this.closeEntry(entry);
    } finally {
      this.closing--;
      this.waiting.shift()?.();
    }
  }

  private async closeEntry(entry: Entry): Promise<void> {
    clearTimeout(entry.idleTimer);
    entry.session.removeAllListeners('state');
    await entry.session.close(CLOSE_GRACE_MS);
  }

  private async readInfo(entry: Entry, options?: CallOptions): Promise<RouterInfo> {
    const { router, session } = entry;
    const [identity, resource] = await Promise.all([
      session.oneshot('/system/identity/print', undefined, options),
      session.oneshot('/system/resource/print', { proplist: ['version', 'board-name'] }, options),
    ]).catch((err: unknown) => {
      entry.info = undefined;
      throw err;
    });
    entry.known = {
      name: router.name,
      host: router.host,
      port: router.port,
      identity: text(identity, 'name'),
      version: text(resource, 'version'),
      board: text(resource, 'board-name'),
    };
    return entry.known;
  }

  private mark(name: string, health: RouterHealth): void {
    if (this.health.get(name) === health) return;
    this.health.set(name, health);
    this.emit('health', name, health);
  }
}

function keyOf(router: PoolRouter): string {
  return hostLabel(router.host.toLowerCase(), router.port);
}

function text(row: Attributes, name: string): string | undefined {
  return row[name];
}
