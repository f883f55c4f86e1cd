import { Socket } from 'node:net';
import { RawSentence, SentenceDecoder, TextEncoding, decodeText } from '../protocol';
import { ParsedCommand, parseCommand } from './command';
import { CommandContext, Handler, SessionView, StreamHandle, Words, done, trap } from './context';
import { formatTimestamp } from './format';
import { legacyResponse, makeChallenge, sameSecret } from './login';
import { resolveCommand } from './menus';
import { QueryError } from './query';
import { RouterError, SimRouter } from './router';
import { CommandEvent, SimulatorFaults } from './types';
import { SentenceWriter } from './writer';

/** What a session needs from the server that owns it. */
export interface SessionHost {
  readonly router: SimRouter;
  readonly username: string;
  readonly password: string;
  readonly legacyLogin: boolean;
  readonly encoding: TextEncoding;
  faults(): SimulatorFaults;
  onLogin(session: Session): void;
  onCommand(event: CommandEvent): void;
  log(line: string): void;
}

/** A command that keeps running until it ends by itself or is cancelled. */
interface Running {
  tag: string | undefined;
  stop: () => void;
}

/** RouterOS's words for a bad modern login and for a bad pre-6.43 login. */
const BAD_LOGIN = 'invalid user name or password (6)';
const BAD_LEGACY_LOGIN = 'cannot log in';

/**
 * One API connection: login state, command decoding and dispatch, tags, running commands and
 * /cancel. It never throws out of a socket callback: a malformed byte stream closes the socket.
 */
export class Session implements SessionView {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  user: string | undefined;
  private readonly socket: Socket;
  private readonly host: SessionHost;
  private readonly decoder: SentenceDecoder;
  private readonly writer: SentenceWriter;
  private readonly running = new Set<Running>();
  private loggedIn = false;
  private challenge: string | undefined;
  private activeId: string | undefined;
  /** Set once a !fatal is queued or the socket is gone: later commands are ignored. */
  private ending = false;
  private disposed = false;

  constructor(id: number, socket: Socket, host: SessionHost) {
    this.id = id;
    this.socket = socket;
    this.host = host;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remotePort = socket.remotePort ?? 0;
    this.writer = new SentenceWriter(socket, () => host.faults(), host.encoding);
    this.decoder = new SentenceDecoder((sentence) => this.onSentence(sentence));
    socket.setNoDelay(true); // so split writes really leave as separate segments
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => host.log(`session ${id}: ${err.message}`));
    socket.on('close', () => this.dispose());
  }

  /** Sends `!fatal <message>` (after anything already queued) and closes the connection. */
  fatal(message: string): void {
    this.ending = true;
    this.writer.fatal(message);
  }

  /** Destroys the socket at once, as a crashed router or a broken link would. */
  drop(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
    } catch (err) {
      this.host.log(`session ${this.id}: closing after bad input: ${err instanceof Error ? err.message : String(err)}`);
      this.socket.destroy();
    }
  }

  private onSentence(sentence: RawSentence): void {
    const words: string[] = [];
    for (let i = 0; i < sentence.count; i++) {
      words.push(decodeText(sentence.buffer, sentence.starts[i], sentence.ends[i], this.host.encoding));
    }
    const cmd = parseCommand(words);
    try {
      this.handle(words, cmd);
    } catch (err) {
      // A simulator bug must not take the connection down silently: report it as a trap.
      const message = err instanceof Error ? err.message : String(err);
      this.host.log(`session ${this.id}: internal error on ${cmd.path}: ${message}`);
      this.reply(cmd, [trap(`simulator internal error: ${message}`, 4), done()]);
    }
  }

  private handle(words: string[], cmd: ParsedCommand): void {
    this.host.onCommand({ words, tag: cmd.tag, session: this.id });
    const faults = this.host.faults();
    if (this.ending || faults.stall) return;
    if (faults.fatalOnCommand !== null && cmd.path === faults.fatalOnCommand) {
      this.fatal(`simulated failure on ${cmd.path}`);
      return;
    }
    switch (cmd.path) {
      case '/quit':
        this.fatal('session terminated on request');
        return;
      case '/login':
        this.reply(cmd, this.login(cmd));
        return;
    }
    if (!this.loggedIn) {
      this.reply(cmd, [trap('not logged in'), done()]);
      return;
    }
    if (cmd.path === '/cancel') {
      this.cancel(cmd);
      return;
    }
    const found = resolveCommand(cmd.path);
    if ('traps' in found) this.reply(cmd, [...found.traps, done()]);
    else this.run(cmd, found.handler);
  }

  /**
   * Adds the command's tag as the second word, right after `!re` / `!done` / `!trap` /
   * `!empty`, where real routers put it (captured sessions such as those in the librouteros
   * documentation, docs/api_analysis.rst), and queues the sentences as one batch.
   */
  private reply(cmd: ParsedCommand, sentences: Words[]): void {
    const tag = cmd.tag;
    this.writer.send(
      tag === undefined ? sentences : sentences.map((words) => [words[0], `.tag=${tag}`, ...words.slice(1)]),
    );
  }

  private run(cmd: ParsedCommand, handler: Handler): void {
    const ctx: CommandContext = {
      cmd,
      router: this.host.router,
      session: this,
      faults: this.host.faults(),
      reply: (...sentences) => this.reply(cmd, sentences),
      stream: (onStop) => this.startStream(cmd, onStop),
    };
    try {
      // Held events go out after the handler's reply: a set's !done precedes the listen !re.
      this.host.router.holdEvents(() => handler(ctx));
    } catch (err) {
      if (err instanceof RouterError) this.reply(cmd, [trap(err.message, err.category), done()]);
      else if (err instanceof QueryError) this.reply(cmd, [trap(err.message, 1), done()]);
      else throw err;
    }
  }

  private startStream(cmd: ParsedCommand, onStop: () => void): StreamHandle {
    const entry: Running = { tag: cmd.tag, stop: onStop };
    const running = this.running;
    running.add(entry);
    return {
      send: (...sentences) => {
        if (running.has(entry)) this.reply(cmd, sentences);
      },
      finish: (...sentences) => {
        if (!running.delete(entry)) return;
        this.reply(cmd, [...sentences, done()]);
      },
      get active() {
        return running.has(entry);
      },
    };
  }

  /**
   * `/cancel [=tag=X]`. Reply order follows the API documentation's transcript: the interrupted
   * command's `!trap =category=2 =message=interrupted`, then the cancel's `!done`, then the
   * interrupted command's `!done`.
   */
  private cancel(cmd: ParsedCommand): void {
    const target = cmd.attrs.get('tag');
    const victims = [...this.running].filter((entry) => target === undefined || entry.tag === target);
    if (target !== undefined && victims.length === 0) {
      // Unverified against a real router: no public transcript of cancelling an unknown tag.
      this.reply(cmd, [trap('no such command', 0), done()]);
      return;
    }
    for (const victim of victims) {
      this.running.delete(victim);
      victim.stop();
    }
    for (const victim of victims) this.reply({ ...cmd, tag: victim.tag }, [trap('interrupted', 2)]);
    this.reply(cmd, [done()]);
    for (const victim of victims) this.reply({ ...cmd, tag: victim.tag }, [done()]);
  }

  private login(cmd: ParsedCommand): Words[] {
    const { username, password, legacyLogin, encoding } = this.host;
    const name = cmd.attrs.get('name');
    if (legacyLogin) {
      const response = cmd.attrs.get('response');
      // Before 6.43 every /login without a response (even one carrying a password) gets a challenge.
      if (response === undefined) {
        this.challenge = makeChallenge();
        return [done(this.challenge)];
      }
      const challenge = this.challenge;
      this.challenge = undefined;
      const ok =
        challenge !== undefined &&
        name === username &&
        sameSecret(response.toLowerCase(), legacyResponse(password, challenge, encoding));
      return ok ? this.loginSucceeded(username) : [trap(BAD_LEGACY_LOGIN), done()];
    }
    const given = cmd.attrs.get('password');
    const ok = name === username && given !== undefined && sameSecret(given, password);
    return ok ? this.loginSucceeded(username) : [trap(BAD_LOGIN), done()];
  }

  private loginSucceeded(user: string): Words[] {
    if (!this.loggedIn) {
      this.loggedIn = true;
      this.user = user;
      this.activeId = this.host.router.activeUsers.add([
        ['when', formatTimestamp(new Date())],
        ['name', user],
        ['address', this.remoteAddress],
        ['via', 'api'],
        ['group', 'full'],
        ['radius', 'false'],
      ]);
      this.host.onLogin(this);
    }
    return [done()];
  }

  /** The socket closed: stop running commands and log the user out (a `.dead` listen event). */
  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ending = true;
    for (const entry of this.running) entry.stop();
    this.running.clear();
    this.writer.dispose();
    const activeId = this.activeId;
    this.activeId = undefined;
    if (activeId !== undefined && this.host.router.activeUsers.find(activeId)) {
      this.host.router.activeUsers.remove(activeId);
    }
  }
}
