import { EventEmitter } from 'node:events';
import type { Attributes } from '../protocol';
import { Backoff, BackoffOptions } from './backoff';
import { CallOptions, CallResult, RouterOSClient, StreamHandle } from './client';
import { buildCommandWords, checkTag, CommandParams } from './command';
import { connect, ConnectOptions } from './connect';
import { ConnectionClosedError, InputError, RouterOSError, TimeoutError, waitingWillNotHelp } from './errors';
import { settledWithin, timerDelay } from './timers';

/** A connection up this long resets the reconnect backoff. */
const STABLE_AFTER_MS = 10_000;
/**
 * After a refused login, the next try waits this long (default): every try writes a "login
 * failure" line in the router's log, and routers often block an address after a few.
 */
export const LOGIN_RETRY_DELAY_MS = 300_000;

export type SessionState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface SessionOptions extends ConnectOptions {
  /** Reconnect delays (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
  /**
   * How long a call made while (re)connecting waits for the connection, in ms (default:
   * connectTimeout; 0 = no limit). A call's own timeout bounds the wait and the call together.
   * A call never waits after an attempt failed in a way waiting cannot fix (refused login or
   * port, unknown host, TLS, not a RouterOS): it fails at once with that attempt's error.
   */
  waitForConnection?: number;
  /** ms before trying again after the router refused the login (default 300 000). */
  loginRetryDelay?: number;
}

export type StreamEndReason = 'done' | 'cancelled' | 'error';

export interface ManagedStreamOptions {
  /** A stable tag so the stream can be cancelled by name (default generated). */
  tag?: string;
  onRow: (row: Attributes, tag: string) => void;
  /** The stream is running on the router (`running`) or waiting for the connection (`waiting`). */
  onState?: (state: 'running' | 'waiting') => void;
  /** The stream stopped for good: the router ended it, it was cancelled, or it failed. */
  onEnd?: (reason: StreamEndReason, error?: Error) => void;
}

/** A stream the session keeps alive: re-issued with the same tag after every reconnect. */
export class ManagedStream {
  readonly tag: string;
  readonly command: string;
  private readonly session: RouterOSSession;
  private readonly params: CommandParams | undefined;
  private readonly options: ManagedStreamOptions;
  private handle: StreamHandle | undefined;
  private ended = false;

  constructor(
    session: RouterOSSession,
    command: string,
    params: CommandParams | undefined,
    tag: string,
    options: ManagedStreamOptions,
  ) {
    this.session = session;
    this.command = command;
    this.params = params;
    this.tag = tag;
    this.options = options;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** Starts it on `client`; called by the session on every (re)connect. */
  attach(client: RouterOSClient): void {
    if (this.ended || this.handle) return;
    // Rows the router sent before it saw our /cancel are not for a stream that has ended.
    const onRow = (row: Attributes, tag: string) => {
      if (!this.ended) this.options.onRow(row, tag);
    };
    const handle = client.stream(this.command, this.params, { tag: this.tag, onRow });
    this.handle = handle;
    this.notify(() => this.options.onState?.('running'));
    handle.done.then(
      (end) => {
        if (this.handle !== handle) return;
        this.finish(end.cancelled ? 'cancelled' : 'done');
      },
      (err: unknown) => {
        if (this.handle !== handle) return;
        this.handle = undefined;
        if (client.closed) {
          // The connection went; the session restarts us after reconnecting.
          this.notify(() => this.options.onState?.('waiting'));
        } else {
          this.finish('error', err instanceof Error ? err : new Error(String(err)));
        }
      },
    );
  }

  /** The connection is gone; wait for the next attach. */
  detach(): void {
    if (this.ended || !this.handle) return;
    this.handle = undefined;
    this.notify(() => this.options.onState?.('waiting'));
  }

  /** @internal Ends it with `error` (it could not be started). */
  fail(error: Error): void {
    this.finish('error', error);
  }

  /** Cancels it on the router (when running) and forgets it. */
  async stop(): Promise<void> {
    if (this.ended) return;
    const handle = this.handle;
    this.finish('cancelled');
    if (handle) await this.session.cancelOnRouter(this.tag);
  }

  private finish(reason: StreamEndReason, error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.handle = undefined;
    this.session.forget(this);
    this.notify(() => this.options.onEnd?.(reason, error));
  }

  /**
   * Runs a caller's callback. These run inside promise handlers and timers, where an exception
   * would end the process; it goes to the session's `callbackError` event instead.
   */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.session.emit('callbackError', err instanceof Error ? err : new Error(String(err)), this.tag);
    }
  }
}

/**
 * One router, kept connected: connects, logs in, reconnects with backoff after any loss, and
 * re-issues the streams it manages. Calls made while it is (re)connecting wait for it for a
 * bounded time, unless the last attempt failed in a way waiting cannot fix. Events: `state`
 * (state, error?) once per change; `attempt` (error?) after every connection attempt;
 * `callbackError` (error, tag) when a managed stream's onState or onEnd threw.
 */
export class RouterOSSession extends EventEmitter {
  private readonly options: SessionOptions;
  private readonly backoff: Backoff;
  private readonly streams = new Map<string, ManagedStream>();
  private client: RouterOSClient | undefined;
  private currentState: SessionState = 'idle';
  private error: Error | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt: number | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private streamCounter = 0;
  private reportedError: string | undefined;
  /** An attempt is under way and has not reported its outcome yet: calls wait for it. */
  private attempting = false;
  /** The connect in flight: close() aborts it and waits for it to let go of its socket. */
  private attempt: { abort: AbortController; finished: Promise<void> } | undefined;

  constructor(options: SessionOptions) {
    super();
    this.options = options;
    this.backoff = new Backoff(options.backoff);
    // Every call made while (re)connecting listens for `state` until it is served or times out;
    // many at once is normal, not a leak (each removes its listener: test/reliability/leaks).
    this.setMaxListeners(0);
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Why the last attempt failed or the connection was lost. */
  get lastError(): Error | undefined {
    return this.error;
  }

  /** Date.now() when the next attempt is due, while one is scheduled. */
  get nextAttemptAt(): number | undefined {
    return this.retryAt;
  }

  get connected(): boolean {
    return this.currentState === 'connected' && this.client !== undefined && !this.client.closed;
  }

  /** Starts connecting (no-op when already started). */
  start(): void {
    if (this.currentState !== 'idle') return;
    this.connectNow();
  }

  /** Closes for good; `graceMs` lets the router close its side first (see RouterOSClient.close). */
  async close(graceMs = 0): Promise<void> {
    if (this.currentState === 'closed') return;
    this.setState('closed');
    clearTimeout(this.retryTimer);
    this.retryAt = undefined;
    clearTimeout(this.stableTimer);
    const streams = [...this.streams.values()];
    for (const stream of streams) void stream.stop();
    this.streams.clear();
    const attempt = this.attempt;
    attempt?.abort.abort();
    const client = this.client;
    this.client = undefined;
    if (client) await client.close(graceMs);
    await attempt?.finished;
  }

  call(command: unknown, params?: CommandParams, options: CallOptions = {}): Promise<CallResult> {
    return this.withClient(options, (client, callOptions) => client.call(command, params, callOptions));
  }

  oneshot(command: unknown, params?: CommandParams, options: CallOptions = {}): Promise<Attributes> {
    return this.withClient(options, (client, callOptions) => client.oneshot(command, params, callOptions));
  }

  array(command: unknown, params?: CommandParams, options: CallOptions = {}): Promise<Attributes[]> {
    return this.withClient(options, (client, callOptions) => client.array(command, params, callOptions));
  }

  /**
   * Runs `run` on the connected client. The call's timeout covers waiting for the connection
   * and the call itself: what the wait used up is taken off the call's share.
   */
  private async withClient<T>(
    options: CallOptions,
    run: (client: RouterOSClient, options: CallOptions) => Promise<T>,
  ): Promise<T> {
    if (options.tag !== undefined && this.streams.has(options.tag)) {
      throw new InputError(`tag "${options.tag}" is already in use by a running command`, 'ETAGINUSE');
    }
    const started = Date.now();
    const budget = timerDelay(options.timeout);
    // Connected and not being checked: no wait, not even a turn of the event loop.
    const ready = this.connected && this.client && !this.client.liveness ? this.client : undefined;
    const client = ready ?? (await this.readyClient(budget));
    if (budget === undefined) return run(client, options);
    return run(client, { ...options, timeout: Math.max(1, budget - (Date.now() - started)) });
  }

  /**
   * Registers a stream that survives reconnects. Throws InputError at once for bad input or a
   * tag already in use.
   */
  stream(command: unknown, params: CommandParams | undefined, options: ManagedStreamOptions): ManagedStream {
    const words = buildCommandWords(command, params);
    if (this.currentState === 'closed') throw new ConnectionClosedError('the connection is closed');
    let tag: string;
    if (options.tag !== undefined && options.tag !== '') {
      tag = checkTag(options.tag);
      // A tag still ending on the router (cancelled, waiting for its !done) may be taken: the
      // stream then starts once the router lets go of it (a listen node redeployed with the same
      // tag must not fail because the old one is still ending).
      const heldByCall = this.client?.tags.includes(tag) && !this.client.isReleasing(tag);
      if (this.streams.has(tag) || heldByCall) {
        throw new InputError(`tag "${tag}" is already in use by a running command`, 'ETAGINUSE');
      }
    } else {
      do tag = `s${++this.streamCounter}`;
      while (this.streams.has(tag) || this.client?.tags.includes(tag));
    }
    const stream = new ManagedStream(this, words[0], params, tag, options);
    this.streams.set(tag, stream);
    const client = this.connected ? this.client : undefined;
    if (client && !client.isReleasing(tag)) {
      try {
        stream.attach(client);
      } catch (err) {
        // Never registered and failed at once: it must not start on the next reconnect.
        this.streams.delete(tag);
        throw err;
      }
    } else {
      options.onState?.('waiting');
      if (client) void client.whenFree(tag).then(() => this.attachWhenIdle(stream, client));
    }
    return stream;
  }

  /** Whether a stream with this tag is registered. */
  hasStream(tag: string): boolean {
    return this.streams.has(tag);
  }

  /** Cancels a managed stream or any command in flight by tag. */
  async cancel(tag: string): Promise<void> {
    const stream = this.streams.get(tag);
    if (stream) return stream.stop();
    if (this.client && !this.client.closed && this.client.tags.includes(tag)) return this.client.cancel(tag);
    throw new InputError(`no running command with tag "${tag}"`, 'ENOTAG');
  }

  /** @internal used by ManagedStream */
  forget(stream: ManagedStream): void {
    if (this.streams.get(stream.tag) === stream) this.streams.delete(stream.tag);
  }

  /** @internal used by ManagedStream: best effort, a lost connection already ended it. */
  async cancelOnRouter(tag: string): Promise<void> {
    const client = this.client;
    if (!client || client.closed || !client.tags.includes(tag)) return;
    await client.cancel(tag).catch(() => undefined);
  }

  /** Starts a stream that waited for its tag, unless it was stopped or the connection changed meanwhile. */
  private attachWhenIdle(stream: ManagedStream, client: RouterOSClient): void {
    if (this.streams.get(stream.tag) !== stream || this.client !== client || client.closed) return;
    try {
      stream.attach(client);
    } catch (err) {
      stream.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * The connected client, waiting at most `budget` ms (and the configured wait) for it. While a
   * probe checks whether the router still answers, the call waits for its verdict, so it does
   * not go out on a half-open socket. It fails at once when the latest attempt failed in a way
   * waiting cannot fix and none is in progress, or as soon as an attempt fails that way.
   */
  private async readyClient(budget: number | undefined): Promise<RouterOSClient> {
    const started = Date.now();
    const verdict = this.connected ? this.client?.liveness : undefined;
    if (verdict) await settledWithin(verdict, budget);
    const client = this.connected ? this.client : undefined;
    if (client) return client;
    if (this.currentState === 'closed') throw new ConnectionClosedError('the connection is closed');
    this.start();
    if (!this.attempting && waitingWillNotHelp(this.error)) throw this.error;
    const configured = timerDelay(this.options.waitForConnection ?? this.options.connectTimeout ?? 10_000);
    const limits = [configured, budget].filter((ms): ms is number => ms !== undefined);
    const limit = limits.length > 0 ? Math.min(...limits) : undefined;
    const wait = limit === undefined ? undefined : Math.max(1, limit - (Date.now() - started));
    return new Promise((resolve, reject) => {
      const onState = (state: SessionState) => {
        if (state === 'connected' && this.client) {
          cleanup();
          resolve(this.client);
        } else if (state === 'closed') {
          cleanup();
          reject(new ConnectionClosedError('the connection is closed'));
        }
      };
      const onAttempt = (error: Error | undefined) => {
        if (!waitingWillNotHelp(error)) return;
        cleanup();
        reject(error);
      };
      const timer =
        wait === undefined
          ? undefined
          : setTimeout(() => {
              cleanup();
              const reason = this.error ? `: ${this.error.message}` : '';
              reject(new TimeoutError(`not connected to the router within ${limit} ms${reason}`));
            }, wait);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('state', onState);
        this.off('attempt', onAttempt);
      };
      this.on('state', onState);
      this.on('attempt', onAttempt);
    });
  }

  private connectNow(): void {
    const abort = new AbortController();
    const finished = this.connectAttempt(abort.signal).finally(() => {
      if (this.attempt?.abort === abort) this.attempt = undefined;
    });
    this.attempt = { abort, finished };
  }

  /** One attempt to connect; settles (never rejects) once the outcome is handled. */
  private async connectAttempt(signal: AbortSignal): Promise<void> {
    // Retries stay 'disconnected': one state change per outage, not one per attempt.
    if (this.currentState !== 'disconnected') this.setState('connecting');
    let client: RouterOSClient;
    this.attempting = true;
    try {
      client = await connect({ ...this.options, signal });
    } catch (err) {
      this.attempting = false;
      if (this.currentState === 'closed') return;
      this.error = err instanceof Error ? err : new Error(String(err));
      this.scheduleReconnect(this.error);
      this.setState('disconnected', this.error);
      this.emit('attempt', this.error);
      return;
    }
    this.attempting = false;
    if (this.currentState === 'closed') {
      await client.close();
      return;
    }
    this.client = client;
    this.error = undefined;
    // Only a connection that stays up earns a fresh backoff: a router that accepts the login
    // and then drops us at once (say, !fatal on every re-issued stream) must not be retried
    // every second for ever.
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => this.backoff.reset(), STABLE_AFTER_MS);
    this.stableTimer.unref();
    client.once('close', (err: RouterOSError | undefined) => this.onLost(client, err));
    this.setState('connected');
    this.emit('attempt', undefined);
    for (const stream of this.streams.values()) {
      try {
        stream.attach(client);
      } catch {
        // The client closed between the checks: onLost will restart it later.
      }
    }
  }

  private onLost(client: RouterOSClient, err: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearTimeout(this.stableTimer);
    for (const stream of this.streams.values()) stream.detach();
    if (this.currentState === 'closed') return;
    this.error = err;
    this.scheduleReconnect(err);
    this.setState('disconnected', err);
  }

  /** Backoff, but a refused login waits at least loginRetryDelay: see LOGIN_RETRY_DELAY_MS. */
  private scheduleReconnect(error: Error | undefined): void {
    clearTimeout(this.retryTimer);
    let delay = this.backoff.next();
    if (error instanceof RouterOSError && error.code === 'ELOGIN') {
      delay = Math.max(delay, timerDelay(this.options.loginRetryDelay ?? LOGIN_RETRY_DELAY_MS) ?? 0);
    }
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryAt = undefined;
      this.connectNow();
    }, delay);
  }

  private setState(state: SessionState, error?: Error): void {
    const sameReason = this.reportedError === error?.message;
    if (state === this.currentState && (state !== 'disconnected' || sameReason)) return;
    this.reportedError = error?.message;
    this.currentState = state;
    this.emit('state', state, error);
  }
}
