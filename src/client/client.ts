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
import { ConnectionClosedError, FatalError, InputError, RouterOSError, TimeoutError, TrapError } from './errors';
import { timerDelay } from './timers';

export interface ClientOptions {
  /** Text encoding of words (default `utf8`; `win1252` for WinBox-written names). */
  encoding?: TextEncoding;
  /** Longest word accepted from the router, in bytes (default 64 MiB). */
  maxWordLength?: number;
  /** Default timeout of one-shot and array calls in ms; 0 waits forever (default 0). */
  timeout?: number;
  /**
   * After this many ms without a byte from the router, send a cheap probe; no answer within
   * `probeTimeout` means the router is gone (half-open socket) and the client closes. 0 = off.
   * Probes start once the client is authenticated (login has its own timeout).
   */
  idleProbeInterval?: number;
  /** ms to wait for the probe's answer (default 10 000). */
  probeTimeout?: number;
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
  /** Timeout in ms for this call (overrides the client's default; 0 = none). */
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
/** Bytes of a peer's first answer kept to name a service that is not the RouterOS API. */
const PREVIEW_BYTES = 40;

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
  private tagCounter = 0;
  private closeError: RouterOSError | undefined;
  private isClosed = false;
  private authenticated = false;
  private corked = false;
  private lastReceived = Date.now();
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  /** The first bytes received before any complete sentence (see peerClosed). */
  private preview = Buffer.alloc(0);
  private sawSentence = false;
  private readonly closedPromise: Promise<void>;
  private readonly yieldBetweenChunks: boolean;
  private readingPaused = false;

  constructor(socket: Duplex, options: ClientOptions = {}) {
    super();
    this.socket = socket;
    this.label = options.label ?? 'router';
    this.encoding = options.encoding ?? 'utf8';
    this.defaultTimeout = options.timeout ?? 0;
    this.yieldBetweenChunks = options.yieldBetweenChunks ?? false;
    this.decoder = new SentenceDecoder((raw) => this.onSentence(raw), { maxWordLength: options.maxWordLength });
    this.closedPromise = new Promise((resolve) => this.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.closeError ??= this.peerClosed(
        new ConnectionClosedError(
          `connection to ${this.label} lost: ${err.code === 'ECONNRESET' ? 'reset by the router' : err.message}`,
          err,
        ),
      );
    });
    socket.on('end', () => socket.destroy());
    socket.on('close', () => this.finishClose());
    const interval = timerDelay(options.idleProbeInterval);
    if (interval !== undefined) this.startIdleProbe(interval, options.probeTimeout ?? DEFAULT_PROBE_TIMEOUT);
  }

  /** True once the connection is closing or closed; every call then fails at once. */
  get closed(): boolean {
    return this.isClosed || this.closeError !== undefined;
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

  /** Closes the connection; pending calls fail with ConnectionClosedError. */
  close(): Promise<void> {
    if (!this.isClosed) {
      this.closeError ??= new ConnectionClosedError(`connection to ${this.label} closed by the client`);
      this.socket.destroy();
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
    if (this.closed) {
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
      resolve,
      reject,
      settled: promise.catch(() => undefined),
      released,
      release,
    };
    const timeout = timerDelay(options.timeout ?? this.defaultTimeout);
    if (timeout !== undefined) entry.timer = setTimeout(() => this.onTimeout(entry, timeout), timeout);
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
    this.lastReceived = Date.now();
    if (!this.sawSentence && this.preview.length < PREVIEW_BYTES) {
      this.preview = Buffer.concat([this.preview, chunk.subarray(0, PREVIEW_BYTES - this.preview.length)]);
    }
    try {
      this.decoder.push(chunk);
      if (this.yieldBetweenChunks) this.yieldToEventLoop();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.fail(
        err instanceof ProtocolError
          ? new ProtocolViolationError(`RouterOS API protocol error from ${this.label}: ${reason}`, err.code)
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
      if (!this.isClosed) this.socket.resume();
    });
  }

  private onSentence(raw: RawSentence): void {
    // Closing (by us, or after a loss or !fatal): the rest of a chunk already read goes nowhere,
    // so no row reaches a caller after close() and no call succeeds after it failed.
    if (this.closed) return;
    this.sawSentence = true;
    const reply = parseReply(raw, this.encoding);
    if (reply.type === '!fatal') {
      this.fail(new FatalError(reply.extra.join(' ') || reply.attributes.message || ''));
      return;
    }
    if (reply.type === 'unknown' && !this.authenticated) {
      throw new ProtocolError(
        `the peer does not speak the RouterOS API (it sent "${reply.word.slice(0, 40)}")`,
        'ENOTROUTEROS',
      );
    }
    const entry = reply.tag === undefined ? undefined : this.pending.get(reply.tag);
    if (!entry) {
      this.emit('unexpected', reply);
      return;
    }
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

  private onTimeout(entry: Pending, timeout: number): void {
    this.abandon(entry, new TimeoutError(`${entry.command} got no complete answer within ${timeout} ms`));
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
    if (!entry.cancelled && !this.isClosed && entry.command !== '/cancel') {
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
    this.closeError ??= err;
    this.socket.destroy();
    // 'close' follows asynchronously; fail now so callers see the precise reason.
    this.rejectAll(this.closeError);
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
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.probeTimer);
    this.closeError ??= this.peerClosed(new ConnectionClosedError(`connection to ${this.label} closed by the router`));
    this.rejectAll(this.closeError);
    this.emit('close', this.closeError);
  }

  /**
   * The peer hung up. If it sent bytes before login but never one whole sentence (an HTTP or
   * SSH server answering our /login), say it is not the RouterOS API rather than "closed".
   */
  private peerClosed(closed: ConnectionClosedError): RouterOSError {
    if (this.authenticated || this.sawSentence || this.preview.length === 0) return closed;
    const sample = this.preview.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    return new ProtocolViolationError(`the peer is not a RouterOS API (it sent "${sample}")`, 'ENOTROUTEROS');
  }

  private startIdleProbe(interval: number, probeTimeout: number): void {
    const check = Math.max(50, Math.min(interval, 1000));
    this.probeTimer = setInterval(() => {
      // Not during login: a probe there would race the login's own timeout and mislabel it.
      if (!this.authenticated || this.probing || this.isClosed || Date.now() - this.lastReceived < interval) return;
      this.probing = true;
      this.call('/system/identity/print', undefined, { timeout: probeTimeout })
        .catch((err: unknown) => {
          if (err instanceof TimeoutError) {
            this.fail(
              new ConnectionClosedError(
                `router ${this.label} stopped answering (no reply to a keepalive probe within ${probeTimeout} ms)`,
              ),
            );
          }
        })
        .finally(() => {
          this.probing = false;
        });
    }, check);
    this.probeTimer.unref();
  }
}

/** A protocol error as the client reports it: a RouterOSError, so callers see one error tree. */
export class ProtocolViolationError extends RouterOSError {
  constructor(message: string, code: string) {
    super(message, code);
    this.name = 'ProtocolError';
  }
}
