import { AddressInfo, Server, Socket } from 'node:net';
import { SentenceDecoder, TextEncoding, decodeText, encodeSentence } from '../protocol';
import { checkHost, createListener } from './transport';
import { TlsMaterial } from './types';

/** A sentence the script sends: words (encoded normally) or raw bytes sent exactly as given. */
export type ScriptSentence = readonly string[] | Buffer;

/**
 * One step of a scripted conversation. With `expect`, the step waits for the client's next
 * sentence and compares it (command word exactly, `?` query words in order, other words in any
 * order; `.tag=*` matches any tag, and `.tag=*` in a reply is replaced by that tag). Without
 * `expect`, the replies go out as soon as the previous step is done.
 */
export interface ScriptStep {
  expect?: readonly string[];
  reply?: readonly ScriptSentence[];
  /** End the connection after this step's replies. */
  close?: boolean;
}

export interface ScriptedServerOptions {
  host?: string;
  port?: number;
  encoding?: TextEncoding;
  tls?: boolean | TlsMaterial;
  allowNonLoopback?: boolean;
}

export interface ScriptedServer {
  readonly host: string;
  readonly port: number;
  readonly openConnections: number;
  /** Every sentence received, as words, over all connections. */
  readonly received: string[][];
  /** Resolves when a connection completed every step; rejects with the first mismatch. */
  readonly finished: Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const ANY_TAG = '.tag=*';

/** Compares a received sentence with an expected one; returns the client's tag on success. */
function matchSentence(expected: readonly string[], actual: readonly string[]): { tag: string | undefined } | null {
  if (expected[0] !== actual[0]) return null;
  const queries = (words: readonly string[]): string[] => words.slice(1).filter((w) => w.startsWith('?'));
  const others = (words: readonly string[]): string[] =>
    words
      .slice(1)
      .filter((w) => !w.startsWith('?'))
      .sort();
  const eq = queries(expected);
  const aq = queries(actual);
  if (eq.length !== aq.length || eq.some((w, i) => w !== aq[i])) return null;
  const tag = actual.find((w) => w.startsWith('.tag='));
  const wantAnyTag = expected.includes(ANY_TAG);
  const eo = others(expected.filter((w) => w !== ANY_TAG));
  const ao = others(wantAnyTag ? actual.filter((w) => w !== tag) : actual);
  if (wantAnyTag && tag === undefined) return null;
  if (eo.length !== ao.length || eo.some((w, i) => w !== ao[i])) return null;
  return { tag: tag?.slice(5) };
}

/**
 * A loopback server that plays a script (in the spirit of go-routeros proto_test.go) to test how
 * a client copes with odd routers: each connection runs the script from its first step.
 */
export function createScriptedServer(
  script: readonly ScriptStep[],
  options: ScriptedServerOptions = {},
): ScriptedServer {
  const host = options.host ?? '127.0.0.1';
  checkHost(host, options.allowNonLoopback);
  const encoding = options.encoding ?? 'utf8';
  const sockets = new Set<Socket>();
  const received: string[][] = [];
  let port = options.port ?? 0;
  let server: Server | undefined;
  let settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  finished.catch(() => undefined); // nobody awaiting it must not be an unhandled rejection

  const play = (socket: Socket): void => {
    socket.on('error', () => undefined);
    let index = 0;
    const send = (sentences: readonly ScriptSentence[] | undefined, tag: string | undefined): void => {
      for (const s of sentences ?? []) {
        if (Buffer.isBuffer(s)) socket.write(s);
        else
          socket.write(
            encodeSentence(
              s.map((w) => (w === ANY_TAG && tag !== undefined ? `.tag=${tag}` : w)),
              encoding,
            ),
          );
      }
    };
    const finishStep = (step: ScriptStep, tag: string | undefined): boolean => {
      send(step.reply, tag);
      index++;
      if (index === script.length) settle?.resolve();
      if (step.close) {
        socket.end();
        return false;
      }
      return true;
    };
    const runUnprompted = (): void => {
      while (index < script.length && script[index].expect === undefined) {
        if (!finishStep(script[index], undefined)) return;
      }
    };
    const fail = (message: string): void => {
      settle?.reject(new Error(message));
      socket.destroy();
    };
    const decoder = new SentenceDecoder((sentence) => {
      const words: string[] = [];
      for (let i = 0; i < sentence.count; i++) {
        words.push(decodeText(sentence.buffer, sentence.starts[i], sentence.ends[i], encoding));
      }
      received.push(words);
      const step = script[index];
      if (step === undefined || step.expect === undefined) {
        fail(`unexpected sentence after the script: ${JSON.stringify(words)}`);
        return;
      }
      const match = matchSentence(step.expect, words);
      if (!match) {
        fail(`step ${index}: expected ${JSON.stringify(step.expect)}, got ${JSON.stringify(words)}`);
        return;
      }
      if (finishStep(step, match.tag)) runUnprompted();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk);
      } catch (err) {
        fail(`bad bytes from the client: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    runUnprompted();
  };

  return {
    host,
    get port() {
      return port;
    },
    get openConnections() {
      return sockets.size;
    },
    received,
    finished,
    start() {
      if (server) return Promise.resolve();
      const s = createListener(
        options.tls,
        play,
        (socket) => {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => sockets.delete(socket));
        },
        () => undefined,
      );
      server = s;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => {
          s.off('error', reject);
          port = (s.address() as AddressInfo).port;
          resolve();
        });
      });
    },
    stop() {
      const s = server;
      if (!s) return Promise.resolve();
      server = undefined;
      return new Promise((resolve) => {
        s.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
