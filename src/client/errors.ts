import type { Attributes } from '../protocol';

/**
 * Every error the client reports is a RouterOSError with a stable `code`, so flows and callers
 * can branch on it without parsing messages.
 */
export class RouterOSError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RouterOSError';
    this.code = code;
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
  constructor(message: string, code = 'ECONNECT', cause?: unknown) {
    super(message, code, cause === undefined ? undefined : { cause });
    this.name = 'ConnectError';
  }
}

/** The connection was lost or closed while a call was pending, or a call was made after close. */
export class ConnectionClosedError extends RouterOSError {
  constructor(message: string, cause?: unknown) {
    super(message, 'ECLOSED', cause === undefined ? undefined : { cause });
    this.name = 'ConnectionClosedError';
  }
}

/** A call (or the connect / login) took longer than its timeout. */
export class TimeoutError extends RouterOSError {
  constructor(message: string) {
    super(message, 'ETIMEOUT');
    this.name = 'TimeoutError';
  }
}

/** Login was refused (wrong user name or password) or the peer is not a RouterOS API. */
export class LoginError extends RouterOSError {
  constructor(message: string, code = 'ELOGIN') {
    super(message, code);
    this.name = 'LoginError';
  }
}

/** The caller's input cannot become a valid command (bad path, attribute, tag ...). */
export class InputError extends RouterOSError {
  constructor(message: string, code = 'EINPUT') {
    super(message, code);
    this.name = 'InputError';
  }
}
