import type { Attributes } from '../protocol';

/**
 * Every code an error of this package can carry, with what it means. The README's error table
 * is checked against this list (test/error-codes.test.js), so the two cannot drift apart.
 */
export const ERROR_CODES = {
  ETRAP: 'the router refused the command (`!trap`)',
  ELOGIN: 'the router refused the login',
  ECONNREFUSED: 'nothing listens on that port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name lookup failed for now',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to the network',
  ECONNRESET: 'the router reset the connection while it was being opened',
  EMFILE: 'this process has no file descriptor left for another connection',
  ETLS: 'the TLS handshake or the certificate check failed',
  ECONNECT: 'the connection could not be opened for another reason',
  ETIMEOUT: 'nothing arrived within the timeout',
  ENOTROUTEROS: 'the service on that port is not the RouterOS API',
  ECLOSED: 'the connection was lost or closed',
  EFATAL: 'the router ended the session (`!fatal`)',
  EINPUT: 'the message or configuration cannot become a command',
  EINSPECTPATH: 'a completion request named something that is not a menu',
  ENOTAG: 'no running command has that tag',
  ETAGINUSE: 'the tag is taken by a running command',
  ENOCONNECTION: 'no connection is configured or open',
  EPROTOCOL: 'the byte stream broke the API framing',
  EWORDTOOLONG: 'a word was longer than the limit',
  ECONTROLBYTE: 'a word length started with a reserved byte',
  EEMPTYSENTENCE: 'a sentence had no words',
  EDECODER: 'the decoder failed unexpectedly',
  ELIMIT: 'a desired-state run needed more changes than its "most changes" allows; nothing was changed',
  EINTERNAL: 'a bug in this package',
} as const;

export type RouterOSErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is RouterOSErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/**
 * Failures that another attempt moments later will meet again: a call made meanwhile fails at
 * once with the attempt's own error instead of waiting for a timeout (see RouterOSSession).
 * Resets, timeouts and `!fatal` are not here: they pass, so a call waits for the next attempt.
 */
const LASTING_CODES: ReadonlySet<RouterOSErrorCode> = new Set<RouterOSErrorCode>([
  'ELOGIN',
  'ECONNREFUSED',
  'ENOTFOUND',
  // Name servers that do not answer now will not answer within a call's timeout either.
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // A fleet beyond the process's file limit: the routers it hits fail, the others go on.
  'EMFILE',
  'ETLS',
  'ENOTROUTEROS',
]);

export function waitingWillNotHelp(err: unknown): boolean {
  return err instanceof RouterOSError && LASTING_CODES.has(err.code);
}

/**
 * Every error the client reports is a RouterOSError with a stable `code`, so flows and callers
 * can branch on it without parsing messages. `detail` keeps a lower layer's own code where ours
 * is coarser (Node's TLS reason such as `CERT_HAS_EXPIRED` under `ETLS`). There is no `cause`
 * on purpose: Node-RED copies an error's `cause` into the message a Catch node gets, and Node's
 * socket and TLS errors hold certificates with circular references that no flow can serialise.
 */
export class RouterOSError extends Error {
  readonly code: RouterOSErrorCode;
  readonly detail: string | undefined;
  constructor(message: string, code: RouterOSErrorCode, detail?: string) {
    super(message);
    this.name = 'RouterOSError';
    this.code = code;
    this.detail = detail;
  }
}

/** `!trap` categories as the API documentation numbers them. */
export const TRAP_CATEGORIES: Readonly<Record<number, string>> = {
  0: 'missing item or command',
  1: 'argument value failure',
  2: 'execution of command interrupted',
  3: 'scripting failure',
  4: 'general failure',
  5: 'API related failure',
  6: 'TTY related failure',
  7: 'value generated with :return command',
};

/** The router answered a command with `!trap`. */
export class TrapError extends RouterOSError {
  /** The `=category=` number when the router sent one. */
  readonly category: number | undefined;
  /** The command path that failed (never its attribute values, which may hold secrets). */
  readonly command: string;
  /** Every attribute of the `!trap` sentence. */
  readonly attributes: Attributes;
  constructor(command: string, attributes: Attributes) {
    const category = /^\d+$/.test(attributes.category ?? '') ? Number(attributes.category) : undefined;
    const message = attributes.message || 'the router refused the command';
    super(message, 'ETRAP');
    this.name = 'TrapError';
    this.category = category;
    this.command = command;
    this.attributes = attributes;
  }
}

/** The router sent `!fatal`: it is closing the connection. */
export class FatalError extends RouterOSError {
  constructor(reason: string) {
    super(`router closed the connection: ${reason || 'fatal error'}`, 'EFATAL');
    this.name = 'FatalError';
  }
}

/** The connection could not be opened (refused, unknown host, TLS failure, timeout). */
export class ConnectError extends RouterOSError {
  constructor(message: string, code: RouterOSErrorCode = 'ECONNECT', detail?: string) {
    super(message, code, detail);
    this.name = 'ConnectError';
  }
}

/** The connection was lost or closed while a call was pending, or a call was made after close. */
export class ConnectionClosedError extends RouterOSError {
  constructor(message: string) {
    super(message, 'ECLOSED');
    this.name = 'ConnectionClosedError';
  }
}

/** Nothing arrived for a call (or the connect / login) within its timeout. */
export class TimeoutError extends RouterOSError {
  constructor(message: string) {
    super(message, 'ETIMEOUT');
    this.name = 'TimeoutError';
  }
}

/** Login was refused (wrong user name or password) or the peer is not a RouterOS API. */
export class LoginError extends RouterOSError {
  constructor(message: string, code: RouterOSErrorCode = 'ELOGIN') {
    super(message, code);
    this.name = 'LoginError';
  }
}

/** The caller's input cannot become a valid command (bad path, attribute, tag ...). */
export class InputError extends RouterOSError {
  constructor(message: string, code: RouterOSErrorCode = 'EINPUT') {
    super(message, code);
    this.name = 'InputError';
  }
}

/** The byte stream from the router broke the API's framing: the connection must close. */
export class ProtocolViolationError extends RouterOSError {
  constructor(message: string, code: RouterOSErrorCode) {
    super(message, code);
    this.name = 'ProtocolError';
  }
}
