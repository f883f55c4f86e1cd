import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { SentenceDecoder, TextEncoding, decodeText, encodeSentence } from '../protocol';
import { ParsedCommand, parseCommand } from './command';
import { Recording } from './recording-format';
import { Exchange, ReplayIndex, buildReplayIndex, retag, sameCommand } from './replay-index';
import { checkHost } from './transport';

export interface ReplayOptions {
  /** Default 127.0.0.1; loopback only unless allowNonLoopback. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default: the recording's encoding (utf8 when it names none). */
  encoding?: TextEncoding;
  allowNonLoopback?: boolean;
  log?: (line: string) => void;
}

/** The simulator's wording (unconfirmed category) for a command a router does not have. */
const NO_SUCH_COMMAND = ['!trap', '=category=0', '=message=no such command'];

/**
 * `routeros-simulator replay`: an API server that answers from a recording. Each command gets
 * the replies recorded for the same command (path, attributes and queries; redacted values
 * match anything), retagged with the client's tag; the n-th identical command gets the n-th
 * recorded answer, and the last one again once they run out. `!empty`, `!trap` and the order of
 * sentences are kept. A command that never finished in the recording (a listen, or one that was
 * cancelled) sends its recorded rows at once and stays open until /cancel. Login: any name and
 * password are accepted (the recording's password was redacted); a recording of a router before
 * 6.43 answers a login with a challenge first, as that router did. A command not in the
 * recording gets `no such command`.
 *
 * Events: `command` (words, answered: boolean) for every command after login.
 */
export class ReplayServer extends EventEmitter {
  private readonly index: ReplayIndex;
  private readonly served = new Map<Exchange[], number>();
  private readonly encoding: TextEncoding;
  private readonly bindHost: string;
  private readonly log: (line: string) => void;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort: number;

  constructor(recording: Recording, options: ReplayOptions = {}) {
    super();
    this.index = buildReplayIndex(recording);
    this.encoding = options.encoding ?? recording.encoding ?? 'utf8';
    this.bindHost = options.host ?? '127.0.0.1';
    checkHost(this.bindHost, options.allowNonLoopback);
    this.boundPort = options.port ?? 0;
    this.log = options.log ?? (() => undefined);
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.bindHost;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Starts answering from the beginning of the recording again. */
  rewind(): void {
    this.served.clear();
  }

  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer((socket) => this.onConnection(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        this.server = undefined;
        reject(err);
      });
      server.listen(this.boundPort, this.bindHost, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.log(`replay server error: ${err.message}`));
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** The recorded answer for this command, or undefined when the recording has none. */
  private answerFor(command: ParsedCommand): Exchange | undefined {
    const group = this.index.groups.find((candidates) => sameCommand(candidates[0].command, command));
    if (!group) return undefined;
    const count = this.served.get(group) ?? 0;
    this.served.set(group, count + 1);
    return group[Math.min(count, group.length - 1)];
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.log(`replay connection: ${err.message}`));
    socket.setNoDelay(true);
    const encoding = this.encoding;
    /** Commands kept open until /cancel, by tag. */
    const running = new Set<string | undefined>();
    let loggedIn = false;
    let closing = false;

    const send = (tag: string | undefined, sentences: readonly (readonly string[])[]): void => {
      if (closing || socket.destroyed) return;
      socket.cork();
      for (const words of sentences) socket.write(encodeSentence(retag(words, tag), encoding));
      socket.uncork();
    };
    const fatal = (words: readonly string[]): void => {
      send(undefined, [words]);
      closing = true;
      socket.end();
    };

    const cancel = (command: ParsedCommand): void => {
      const target = command.attrs.get('tag');
      const victims = [...running].filter((tag) => target === undefined || tag === target);
      if (target !== undefined && victims.length === 0) {
        send(command.tag, [NO_SUCH_COMMAND, ['!done']]);
        return;
      }
      // The simulator's order, which is the API documentation's: trap, the cancel's done, done.
      for (const tag of victims) {
        running.delete(tag);
        send(tag, [['!trap', '=category=2', '=message=interrupted']]);
      }
      send(command.tag, [['!done']]);
      for (const tag of victims) send(tag, [['!done']]);
    };

    const login = (command: ParsedCommand): void => {
      if (this.index.legacyLogin && !command.attrs.has('response')) {
        send(command.tag, [['!done', `=ret=${randomBytes(16).toString('hex')}`]]);
        return;
      }
      loggedIn = true;
      send(command.tag, [['!done']]);
    };

    const handle = (words: string[]): void => {
      const command = parseCommand(words);
      if (closing) return;
      if (command.path === '/login') return login(command);
      if (command.path === '/quit') return fatal(['!fatal', 'session terminated on request']);
      if (!loggedIn) return send(command.tag, [['!trap', '=message=not logged in'], ['!done']]);
      if (command.path === '/cancel') return cancel(command);
      const exchange = this.answerFor(command);
      this.emit('command', words, exchange !== undefined);
      if (!exchange) {
        this.log(`not in the recording: ${command.path}`); // the path only: values may be secrets
        return send(command.tag, [NO_SUCH_COMMAND, ['!done']]);
      }
      if (exchange.ending === 'fatal') {
        send(command.tag, exchange.replies.slice(0, -1));
        return fatal(exchange.replies[exchange.replies.length - 1]);
      }
      send(command.tag, exchange.replies);
      if (exchange.ending === 'stream') running.add(command.tag);
    };

    const decoder = new SentenceDecoder((sentence) => {
      const words: string[] = [];
      for (let i = 0; i < sentence.count; i++) {
        words.push(decodeText(sentence.buffer, sentence.starts[i], sentence.ends[i], encoding));
      }
      handle(words);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        this.log(`closing a connection after bad input: ${err instanceof Error ? err.message : String(err)}`);
        socket.destroy();
      }
    });
  }
}
