import { TextEncoding } from '../protocol';

/** PEM key and certificate (contents, as Node's tls options take them, not file names). */
export interface TlsMaterial {
  key: string | Buffer;
  cert: string | Buffer;
}

export interface SimulatorOptions {
  /** Default '127.0.0.1'. Non-loopback hosts are refused unless `allowNonLoopback` is set. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 'admin'. */
  username?: string;
  /** Default '' (like a router out of the box). */
  password?: string;
  /** Behave like RouterOS before 6.43: challenge/response login with MD5. */
  legacyLogin?: boolean;
  /** API-SSL. `true` uses the test certificate in bin/simulator-certs. */
  tls?: boolean | TlsMaterial;
  /** Text encoding of words in both directions. Default 'utf8'. */
  encoding?: TextEncoding;
  /** `/system/identity` name. Default 'MikroTik'. */
  identity?: string;
  /** Allow listening on a non-loopback address (the simulator has well-known credentials). */
  allowNonLoopback?: boolean;
  /** Diagnostics: `true` writes lines to stdout, a function receives them. Default: silent. */
  log?: boolean | ((line: string) => void);
}

/** Misbehaviour switches, read at the moment they matter, so tests may flip them any time. */
export interface SimulatorFaults {
  /** Write every byte as its own socket write, yielding to the event loop in between. */
  splitWrites: boolean;
  /** Delay each reply sentence by this many milliseconds (0 = none). */
  replyDelayMs: number;
  /** On the next reply of at least 2 sentences, send part of it and destroy the socket (once). */
  dropMidReply: boolean;
  /** When a command with this path arrives, answer !fatal and close. */
  fatalOnCommand: string | null;
  /** An empty print answers a bare !done (before RouterOS 7.18) instead of !empty + !done. */
  legacyEmpty: boolean;
  /** Read and ignore everything, answer nothing (a half-open router). */
  stall: boolean;
}

export function defaultFaults(): SimulatorFaults {
  return {
    splitWrites: false,
    replyDelayMs: 0,
    dropMidReply: false,
    fatalOnCommand: null,
    legacyEmpty: false,
    stall: false,
  };
}

/** Payload of the simulator's `connection` and `close` events. */
export interface ConnectionInfo {
  /** Session number, unique for the simulator's lifetime. */
  id: number;
  remoteAddress: string;
  remotePort: number;
}

/** Payload of the simulator's `command` event. */
export interface CommandEvent {
  /** Every word of the sentence as received, `.tag=` included. */
  words: string[];
  tag: string | undefined;
  /** Session number (see ConnectionInfo.id). */
  session: number;
}
