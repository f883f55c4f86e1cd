import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  Attributes,
  encodeSentence,
  parseReply,
  ProtocolError,
  RawSentence,
  Reply,
  SentenceDecoder,
  TextEncoding,
} from '../protocol';
import { buildCommandWords, checkTag, CommandParams } from './command';
import {
  ConnectionClosedError,
  FatalError,
  InputError,
  isErrorCode,
  ProtocolViolationError,
  RouterOSError,
  TimeoutError,
  TrapError,
} from './errors';
import { Heartbeat } from './heartbeat';
import { PeerCheck } from './peer-check';
import { timerDelay } from './timers';

export interface ClientOptions {
  /** Text encoding of words (default `utf8`; `win1252` for WinBox-written names). */
  encoding?: TextEncoding;
  /** Longest word accepted from the router, in bytes (default 64 MiB). */
  maxWordLength?: number;
  /**
   * Default timeout of one-shot and array calls in ms; 0 waits forever (default 0). A timeout
   * measures silence, not duration: it fires when nothing for the call (and no part of an
   * unfinished sentence) has arrived for that long, so a long reply that keeps coming never
   * times out.
   */
  timeout?: number;
  /**
   * After this many ms without a byte from the router, send a cheap probe; no answer within
   * `probeTimeout` means the router is gone (half-open socket) and the client closes. 0 = off.
   * Probes start once the client is authenticated (login has its own timeout).
   */
  idleProbeInterval?: number;
  /** ms to wait for the idle probe's answer (default 10 000). */
  probeTimeout?: number;
  /**
   * ms to wait for any byte after a call timed out without a single byte from the router since
   * it was sent (default 2 000). No byte: the socket is half-open and the client closes.
   */
  livenessTimeout?: number;
  /**
   * Pause reading after each chunk until the event loop has had a turn. Rows handed to a
   * consumer that queues work on the event loop (Node-RED's message delivery) then cannot pile
   * up faster than they are handled: the router waits in TCP instead of in our memory.
   */
  yieldBetweenChunks?: boolean;
  /** `host:port`, for error messages. */
  label?: string;
}

export interface CallOptions {
  /** Tag for the command; any string not already in flight. Generated when absent. */
  tag?: string;
  /** Timeout in ms for this call, as silence (overrides the client's default; 0 = none). */
  timeout?: number;
}

/** Everything a finished command produced. */
export interface CallResult {
  tag: string;
  rows: Attributes[];
  /** Attributes of `!done` (`ret` among them). */
  done: Attributes;
  /** The router answered `!empty` (RouterOS 7.18+). */
  empty: boolean;
  /** The command ended because we cancelled it. */
  cancelled: boolean;
}

export interface StreamOptions extends CallOptions {
  /** Called for every `!re` as it arrives. An exception thrown here ends the stream with it. */
  onRow: (row: Attributes, tag: string) => void;
}

export interface StreamEnd {
  tag: string;
  /** True when the stream ended because it was cancelled. */
  cancelled: boolean;
  done: Attributes;
}

export interface StreamHandle {
  readonly tag: string;
  /**
   * Settles when the stream ends: resolves on `!done` or cancel, rejects on `!trap`, timeout or
   * connection loss. It never counts as an unhandled rejection if nobody listens.
   */
  readonly done: Promise<StreamEnd>;
  /** Sends `/cancel` for this stream and resolves once it has ended. */
  cancel(): Promise<void>;
}

interface Pending {
  tag: string;
  command: string;
  rows: Attributes[];
  onRow: ((row: Attributes, tag: string) => void) | undefined;
  trap: Attributes | undefined;
  empty: boolean;
  /** We asked the router to cancel it: a category-2 trap is then a normal end. */
  cancelled: boolean;
  /** The caller already got an error (timeout, callback failure): drop what still comes. */
  abandoned: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Chunks received from the router before it was sent (see Heartbeat.chunks). */
  chunksBefore: number;
  /** Date.now() of the chunk that brought its latest sentence (when it was sent, until one came). */
  heardAt: number;
  resolve: (result: CallResult) => void;
  reject: (err: Error) => void;
  settled: Promise<unknown>;
  /** Resolves when the tag leaves the table (the router's `!done`, or the connection went). */
  released: Promise<void>;
  release: () => void;
}

/** The one-shot view of a result: the first row, plus `ret` when the router answered `=ret=`. */
export function oneshotReply(result: CallResult): Attributes {
  const reply: Attributes = { ...(result.rows[0] ?? {}) };
  if (result.done.ret !== undefined) reply.ret = result.done.ret;
  return reply;
}

const INTERRUPTED_CATEGORY = '2';
const DEFAULT_PROBE_TIMEOUT = 10_000;
const DEFAULT_LIVENESS_TIMEOUT = 2000;
/** A probe's own answer is not what proves life (any byte is); it only must not stay pending for ever. */
const PROBE_CALL_TIMEOUT = 60_000;

/**
 * `open` until the connection starts to go; `closing` from then (every call fails at once with
 * `closeError`) until the socket has closed: `closed`, and the `close` event has been emitted.
 */
type ClientState = 'open' | 'closing' | 'closed';

/**
 * A RouterOS API client over one connected socket: one read loop and one tag table. Every
 * command is tagged, so any number can be in flight; `!done` is the only reply that ends a
 * command (`!trap` and `!empty` are remembered until it comes). `!fatal`, a protocol error or
 * the socket closing fail every pending call with one clear error and close the client.
 *
 * Events: `close` (error | undefined) once, when the connection is gone;
 * `unexpected` (reply) for replies with no pending command.
 */
export class RouterOSClient extends EventEmitter {
  readonly label: string;
  readonly encoding: TextEncoding;
  private readonly socket: Duplex;
  private readonly decoder: SentenceDecoder;
  private readonly pending = new Map<string, Pending>();
  private readonly defaultTimeout: number;
  private readonly heartbeat: Heartbeat;
  private readonly peer = new PeerCheck();
  private readonly closedPromise: Promise<void>;
  private readonly yieldBetweenChunks: boolean;
  private state: ClientState = 'open';
  /** Why the connection went: what every call fails with once `state` is not `open`. */
  private closeError: RouterOSError | undefined;
  private tagCounter = 0;
  private authenticated = false;
  private corked = false;
  private readingPaused = false;
  /** Date.now() of the last chunk that ended inside a sentence: it may belong to any call. */
  private partialHeardAt = 0;

  constructor(socket: Duplex, options: ClientOptions = {}) {
    super();
    this.socket = socket;
    this.label = options.label ?? 'router';
    this.encoding = options.encoding ?? 'utf8';
    this.defaultTimeout = options.timeout ?? 0;
    this.yieldBetweenChunks = options.yieldBetweenChunks ?? false;
    this.decoder = new SentenceDecoder((raw) => this.onSentence(raw), { maxWordLength: options.maxWordLength });
    this.closedPromise = new Promise((resolve) => this.once('close', () => resolve()));
    this.heartbeat = new Heartbeat(
      {
        isAuthenticated: () => this.authenticated,
        sendProbe: () => {
          this.call('/system/identity/print', undefined, { timeout: PROBE_CALL_TIMEOUT }).catch(() => undefined);
        },
        onDead: (reason) => this.fail(new ConnectionClosedError(`router ${this.label} stopped answering (${reason})`)),
      },
      {
        idleInterval: timerDelay(options.idleProbeInterval),
        idleProbeTimeout: options.probeTimeout ?? DEFAULT_PROBE_TIMEOUT,
        livenessTimeout: options.livenessTimeout ?? DEFAULT_LIVENESS_TIMEOUT,
      },
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code === 'ECONNRESET' ? 'reset by the router' : err.message;
      // 'close' follows: it fails the calls with this reason.
      this.beginClose(this.explainClose(new ConnectionClosedError(`connection to ${this.label} lost: ${reason}`)));
    });
    socket.on('end', () => socket.destroy());
    socket.on('close', () => this.finishClose());
  }

  /** True once the connection is closing or closed; every call then fails at once. */
  get closed(): boolean {
    return this.state !== 'open';
  }

  /**
   * While a keepalive or liveness probe runs: resolves true once the router answers, false
   * when it was declared gone (the client then closes). Undefined when no probe runs.
   */
  get liveness(): Promise<boolean> | undefined {
    return this.heartbeat.verdict;
  }

  /** Commands waiting for their `!done`. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Tags of the commands in flight. */
  get tags(): string[] {
    return [...this.pending.keys()];
  }

  /** Called by `connect()` once login succeeded; before that, foreign bytes fail fast. */
  markAuthenticated(): void {
    this.authenticated = true;
  }

  /** Runs a command and collects everything it returns. */
  call(command: unknown, params?: CommandParams, options: CallOptions = {}): Promise<CallResult> {
    try {
      return this.start(command, params, options, undefined).promise;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** One reply object: the first row, plus `ret` when the router answered `=ret=`. */
  async oneshot(command: unknown, params?: CommandParams, options?: CallOptions): Promise<Attributes> {
    return oneshotReply(await this.call(command, params, options));
  }

  /** Every row; `[]` on `!empty` or when no rows came. */
  async array(command: unknown, params?: CommandParams, options?: CallOptions): Promise<Attributes[]> {
    return (await this.call(command, params, options)).rows;
  }

  /** Delivers each `!re` as it arrives until `!done`, `!trap` or cancel. */
  stream(command: unknown, params: CommandParams | undefined, options: StreamOptions): StreamHandle {
    if (typeof options?.onRow !== 'function') throw new InputError('stream() needs an onRow callback');
    const { tag, promise, entry } = this.start(
      command,
      params,
      { ...options, timeout: options.timeout ?? 0 },
      options.onRow,
    );
    const done = promise.then((r): StreamEnd => ({ tag: r.tag, cancelled: r.cancelled, done: r.done }));
    done.catch(() => undefined); // the caller may not listen; never an unhandled rejection
    // Once this stream has ended its tag may belong to a new command: cancel nothing then.
    const cancel = () => (this.pending.get(tag) === entry ? this.cancel(tag) : entry.settled.then(() => undefined));
    return { tag, done, cancel };
  }

  /**
   * The command holding `tag` has been cancelled or given up on and only waits for the router's
   * `!done`: its tag is being released. The client alone knows a tag's state; the session asks.
   */
  isReleasing(tag: string): boolean {
    const entry = this.pending.get(tag);
    return entry !== undefined && (entry.cancelled || entry.abandoned);
  }

  /** Resolves once no command holds `tag` (at once when none does). */
  whenFree(tag: string): Promise<void> {
    return this.pending.get(tag)?.released ?? Promise.resolve();
  }

  /**
   * Cancels the command tagged `tag`; resolves once it has ended, or after the client's default
   * timeout when the router confirms the /cancel but never ends the command (its tag then stays
   * taken until it does: see whenFree).
   */
  async cancel(tag: string): Promise<void> {
    const target = this.pending.get(tag);
    if (!target || target.abandoned) {
      throw new InputError(`no running command with tag "${tag}"`, 'ENOTAG');
    }
    if (!target.cancelled) {
      target.cancelled = true;
      try {
        await this.call('/cancel', { attributes: { tag } });
      } catch (err) {
        // The command may have finished on its own meanwhile; its end is what counts.
        if (!(err instanceof TrapError)) throw err;
      }
    }
    const bound = timerDelay(this.defaultTimeout);
    if (bound === undefined) {
      await target.settled;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([target.settled, new Promise((resolve) => (timer = setTimeout(resolve, bound)))]);
    clearTimeout(timer);
  }

  /**
   * Closes the connection; pending calls fail with ConnectionClosedError. With `graceMs`, it
   * first ends the socket and waits up to that long for the router to close its side too, so
   * the router has let go of the connection before the promise resolves (a pool that closes one
   * connection to open another then never holds more than its limit, as the routers count).
   */
  close(graceMs = 0): Promise<void> {
    if (this.state !== 'closed') {
      this.beginClose(new ConnectionClosedError(`connection to ${this.label} closed by the client`));
      if (graceMs > 0) {
        this.socket.end();
        const timer = setTimeout(() => this.socket.destroy(), graceMs);
        timer.unref();
        void this.closedPromise.then(() => clearTimeout(timer));
      } else {
        this.socket.destroy();
      }
    }
    return this.closedPromise;
  }

  private start(
    command: unknown,
    params: CommandParams | undefined,
    options: CallOptions,
    onRow: ((row: Attributes, tag: string) => void) | undefined,
  ): { tag: string; promise: Promise<CallResult>; entry: Pending } {
    const words = buildCommandWords(command, params);
    if (this.state !== 'open') {
      throw this.closeError ?? new ConnectionClosedError(`connection to ${this.label} is closed`);
    }
    let tag: string;
    if (options.tag !== undefined) {
      tag = checkTag(options.tag);
      if (this.pending.has(tag))
        throw new InputError(`tag "${tag}" is already in use by a running command`, 'ETAGINUSE');
    } else {
      tag = this.nextTag();
    }
    let resolve!: (r: CallResult) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<CallResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let release!: () => void;
    const released = new Promise<void>((res) => (release = res));
    const now = Date.now();
    const entry: Pending = {
      tag,
      command: words[0],
      rows: [],
      onRow,
      trap: undefined,
      empty: false,
      cancelled: false,
      abandoned: false,
      timer: undefined,
      heardAt: now,
      chunksBefore: this.heartbeat.chunks,
      resolve,
      reject,
      settled: promise.catch(() => undefined),
      released,
      release,
    };
    const timeout = timerDelay(options.timeout ?? this.defaultTimeout);
    if (timeout !== undefined) this.armTimeout(entry, timeout, timeout);
    this.pending.set(tag, entry);
    words.push(`.tag=${tag}`);
    this.write(words);
    return { tag, promise, entry };
  }

  private nextTag(): string {
    let tag: string;
    do tag = String(++this.tagCounter);
    while (this.pending.has(tag));
    return tag;
  }

  /** Many commands issued in one tick leave as one socket write. */
  private write(words: string[]): void {
    const bytes = encodeSentence(words, this.encoding);
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  private onData(chunk: Buffer): void {
    this.heartbeat.heard();
    this.peer.observe(chunk);
    try {
      this.decoder.push(chunk);
      if (this.decoder.bufferedBytes > 0) this.partialHeardAt = this.heartbeat.lastReceived;
      if (this.yieldBetweenChunks) this.yieldToEventLoop();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.fail(
        err instanceof ProtocolError
          ? new ProtocolViolationError(
              `RouterOS API protocol error from ${this.label}: ${reason}`,
              isErrorCode(err.code) ? err.code : 'EPROTOCOL',
            )
          : new RouterOSError(`internal error reading from ${this.label}: ${reason}`, 'EINTERNAL'),
      );
    }
  }

  private yieldToEventLoop(): void {
    if (this.readingPaused) return;
    this.readingPaused = true;
    this.socket.pause();
    setImmediate(() => {
      this.readingPaused = false;
      if (this.state !== 'closed') this.socket.resume();
    });
  }

  private onSentence(raw: RawSentence): void {
    // Closing (by us, or after a loss or !fatal): the rest of a chunk already read goes nowhere,
    // so no row reaches a caller after close() and no call succeeds after it failed.
    if (this.state !== 'open') return;
    const reply = parseReply(raw, this.encoding);
    if (reply.type === '!fatal') {
      this.fail(new FatalError(reply.extra.join(' ') || reply.attributes.message || ''));
      return;
    }
    this.peer.checkReply(reply, this.authenticated);
    const entry = reply.tag === undefined ? undefined : this.pending.get(reply.tag);
    if (!entry) {
      this.emit('unexpected', reply);
      return;
    }
    entry.heardAt = this.heartbeat.lastReceived;
    switch (reply.type) {
      case '!re':
        this.onRow(entry, reply);
        break;
      case '!trap':
        entry.trap ??= reply.attributes;
        break;
      case '!empty':
        entry.empty = true;
        break;
      case '!done':
        this.remove(entry);
        this.finish(entry, reply.attributes);
        break;
      default:
        this.emit('unexpected', reply);
    }
  }

  private onRow(entry: Pending, reply: Reply): void {
    if (entry.abandoned) return;
    if (!entry.onRow) {
      entry.rows.push(reply.attributes);
      return;
    }
    try {
      entry.onRow(reply.attributes, entry.tag);
    } catch (err) {
      const failure = err instanceof Error ? err : new Error(String(err));
      this.abandon(entry, failure);
    }
  }

  private finish(entry: Pending, done: Attributes): void {
    clearTimeout(entry.timer);
    if (entry.abandoned) return;
    if (entry.trap && !this.interrupted(entry)) {
      entry.reject(new TrapError(entry.command, entry.trap));
      return;
    }
    entry.resolve({ tag: entry.tag, rows: entry.rows, done, empty: entry.empty, cancelled: entry.cancelled });
  }

  /** We cancelled it and the router says so: a normal end, not a failure. */
  private interrupted(entry: Pending): boolean {
    return entry.cancelled && entry.trap?.category === INTERRUPTED_CATEGORY;
  }

  private armTimeout(entry: Pending, timeout: number, delay: number): void {
    entry.timer = setTimeout(() => this.onTimer(entry, timeout), delay);
  }

  /**
   * Timeouts measure silence: a reply still arriving re-arms the timer for what is left. When
   * nothing at all came from the router since the call was sent, the socket may be half-open:
   * check now, so the next call does not meet the same dead socket.
   */
  private onTimer(entry: Pending, timeout: number): void {
    const quiet = Date.now() - Math.max(entry.heardAt, this.partialHeardAt);
    if (quiet < timeout) {
      this.armTimeout(entry, timeout, timeout - quiet);
      return;
    }
    this.abandon(entry, new TimeoutError(`${entry.command} got no answer for ${timeout} ms`));
    if (this.heartbeat.chunks === entry.chunksBefore) this.heartbeat.checkNow();
  }

  /**
   * Fails a call now but keeps its tag reserved until the router's `!done`, so late replies are
   * dropped and the tag is not reused while the router still answers to it.
   */
  private abandon(entry: Pending, err: Error): void {
    if (entry.abandoned) return;
    entry.abandoned = true;
    clearTimeout(entry.timer);
    entry.rows = [];
    entry.reject(err);
    // Never a /cancel for a /cancel: one stuck cancel must not breed more.
    if (!entry.cancelled && this.state === 'open' && entry.command !== '/cancel') {
      entry.cancelled = true;
      this.call('/cancel', { attributes: { tag: entry.tag } }, { timeout: 30_000 }).catch(() => undefined);
    }
    // Give the router a generous moment to confirm; then forget the tag for good.
    entry.timer = setTimeout(() => {
      this.remove(entry);
    }, 60_000);
    entry.timer.unref();
  }

  private remove(entry: Pending): void {
    if (this.pending.get(entry.tag) === entry) this.pending.delete(entry.tag);
    entry.release();
  }

  /** Fails every pending call with `err` and closes the socket. */
  private fail(err: RouterOSError): void {
    this.beginClose(err);
    this.socket.destroy();
    // 'close' follows asynchronously; fail now so callers see the precise reason.
    this.rejectAll(this.closeError ?? err);
  }

  /** The first reason to close is the one every call hears. */
  private beginClose(err: RouterOSError): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closeError = err;
    this.heartbeat.stop();
  }

  private rejectAll(err: Error): void {
    const entries = [...this.pending.values()];
    for (const entry of entries) this.remove(entry);
    for (const entry of entries) {
      clearTimeout(entry.timer);
      if (!entry.abandoned) {
        entry.abandoned = true;
        // The router refused the command before the connection went: that is the news.
        entry.reject(entry.trap && !this.interrupted(entry) ? new TrapError(entry.command, entry.trap) : err);
      }
    }
  }

  private finishClose(): void {
    if (this.state === 'closed') return;
    this.beginClose(this.explainClose(new ConnectionClosedError(`connection to ${this.label} closed by the router`)));
    this.state = 'closed';
    const err = this.closeError ?? new ConnectionClosedError(`connection to ${this.label} closed`);
    this.rejectAll(err);
    this.emit('close', err);
  }

  private explainClose(closed: ConnectionClosedError): RouterOSError {
    return this.peer.explainClose(closed, this.authenticated);
  }
}
