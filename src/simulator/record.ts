import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { AddressInfo, Server, Socket, connect as connectTcp, createServer, isIP } from 'node:net';
import { ConnectionOptions, connect as connectTls } from 'node:tls';
import { SentenceDecoder, TextEncoding, decodeText } from '../protocol';
import { Recording, emptyRecording, redactWords, serialiseRecording } from './recording-format';
import { checkHost } from './transport';

export interface RecordOptions {
  /** The router to record: its API (or API-SSL with `tls`) address. */
  routerHost: string;
  routerPort: number;
  /** API-SSL to the router: `true` (verify with the system's CAs) or Node TLS options. */
  tls?: boolean | ConnectionOptions;
  /** Where the proxy listens (default 127.0.0.1; loopback only unless allowNonLoopback). */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** The JSON file to write. */
  out: string;
  /** Text encoding of the words (default utf8). */
  encoding?: TextEncoding;
  /** Saved as the recording's `source`. */
  source?: string;
  allowNonLoopback?: boolean;
  log?: (line: string) => void;
}

/** How long sentences may wait in memory before the file is rewritten. */
const FLUSH_DELAY_MS = 200;

/**
 * `routeros-simulator record`: a transparent proxy. Each client connection gets its own
 * connection to the router; bytes pass through unchanged, and every sentence both ways is
 * decoded, has its secrets replaced (see redactWords) and is added to the recording, which is
 * rewritten to `out` shortly after each change and when the proxy stops. Secrets are replaced
 * before a sentence is stored, so they never reach the disk, and nothing is logged but
 * connection events.
 *
 * Events: `sentence` (RecordedSentence, already redacted), `error` is never emitted (problems go
 * to `log`; a failed connection to the router closes only that client's connection).
 */
export class RecordingProxy extends EventEmitter {
  readonly recording: Recording;
  private readonly options: RecordOptions;
  private readonly bindHost: string;
  private readonly log: (line: string) => void;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort: number;
  private connections = 0;
  private readonly started = Date.now();
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(options: RecordOptions) {
    super();
    this.options = options;
    this.bindHost = options.host ?? '127.0.0.1';
    checkHost(this.bindHost, options.allowNonLoopback);
    this.boundPort = options.port ?? 0;
    this.log = options.log ?? (() => undefined);
    this.recording = emptyRecording(options.source, options.encoding ?? 'utf8');
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.bindHost;
  }

  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer((socket) => this.onClient(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.server = undefined;
        reject(err);
      });
      server.listen(this.boundPort, this.bindHost, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.log(`proxy error: ${err.message}`));
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Closes every connection, stops listening and writes the file a last time. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
    await this.flush();
  }

  /** Writes the recording now (after any write in progress); resolves when it is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const text = serialiseRecording(this.recording);
    const out = this.options.out;
    // One write at a time, each complete: a temporary file renamed over the old one.
    this.writing = this.writing.then(async () => {
      const temporary = `${out}.partial`;
      await fs.writeFile(temporary, text);
      await fs.rename(temporary, out);
    });
    return this.writing;
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush().catch((err: unknown) => this.log(`cannot write ${this.options.out}: ${String(err)}`));
    }, FLUSH_DELAY_MS);
  }

  private onClient(client: Socket): void {
    const connection = ++this.connections;
    const { routerHost, routerPort, tls } = this.options;
    const router: Socket = tls
      ? connectTls({
          host: routerHost,
          port: routerPort,
          servername: isIP(routerHost) === 0 ? routerHost : undefined, // SNI only for names
          ...(tls === true ? {} : tls),
        })
      : connectTcp({ host: routerHost, port: routerPort });
    this.sockets.add(client);
    this.sockets.add(router);
    client.pause(); // until the router is there; TCP keeps the client's bytes meanwhile
    router.once(tls ? 'secureConnect' : 'connect', () => {
      this.log(`connection ${connection}: ${client.remoteAddress ?? '?'} → ${routerHost}:${routerPort}`);
      client.resume();
    });
    this.pipe(client, router, connection, 'client');
    this.pipe(router, client, connection, 'router');
    let ended = false;
    const end = (why: string): void => {
      if (ended) return;
      ended = true;
      this.log(`connection ${connection}: ${why}`);
      client.destroy();
      router.destroy();
      void this.flush().catch((err: unknown) => this.log(`cannot write ${this.options.out}: ${String(err)}`));
    };
    client.on('close', () => end('client closed'));
    router.on('close', () => end('router closed'));
    client.on('error', (err) => end(`client: ${err.message}`));
    router.on('error', (err) => end(`router: ${err.message}`));
    client.on('close', () => this.sockets.delete(client));
    router.on('close', () => this.sockets.delete(router));
  }

  /** Forwards `from`'s bytes to `to` unchanged and records the sentences in them. */
  private pipe(from: Socket, to: Socket, connection: number, who: 'client' | 'router'): void {
    const encoding = this.options.encoding ?? 'utf8';
    let decoding = true;
    const decoder = new SentenceDecoder((sentence) => {
      const words: string[] = [];
      for (let i = 0; i < sentence.count; i++) {
        words.push(decodeText(sentence.buffer, sentence.starts[i], sentence.ends[i], encoding));
      }
      const recorded = { connection, from: who, at: Date.now() - this.started, words: redactWords(words) };
      this.recording.sentences.push(recorded);
      this.emit('sentence', recorded);
      this.scheduleFlush();
    });
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      if (!decoding) return;
      try {
        decoder.push(chunk);
      } catch (err) {
        // Not the RouterOS API (or a broken stream): keep passing bytes, stop recording them.
        decoding = false;
        this.log(`connection ${connection}: ${who} bytes are not API sentences, no longer recorded (${String(err)})`);
      }
    });
    from.on('end', () => to.end());
  }
}
