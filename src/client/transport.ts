import * as net from 'node:net';
import * as tls from 'node:tls';
import { ConnectError, ConnectionClosedError, RouterOSErrorCode } from './errors';
import { timerDelay } from './timers';

export interface TransportOptions {
  host: string;
  port: number;
  /** `true` for API-SSL with default checks, or Node TLS options (ca, cert, rejectUnauthorized ...). */
  tls?: boolean | tls.ConnectionOptions;
  /** Milliseconds to wait for TCP (and TLS) to be up (0 = no limit). */
  connectTimeout: number;
  /** Aborting it destroys the socket and rejects with ECLOSED. */
  signal?: AbortSignal;
}

/** Socket errors a network admin knows by name: they keep Node's code. */
const FRIENDLY: Partial<Record<RouterOSErrorCode, string>> = {
  ECONNREFUSED: 'connection refused (is the API service enabled on that port?)',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the router',
  EMFILE: "too many open files in this process (raise its limit, or lower the fleet's connection limit)",
};

const TLS_FAILURE = /CERT|TLS|SSL|SIGNATURE|ALTNAME|^EPROTO$/;

/** Our error for a socket error while connecting: a stable code, Node's own code as the detail. */
export function connectFailure(where: string, err: NodeJS.ErrnoException): ConnectError {
  const nodeCode = err.code ?? '';
  if (TLS_FAILURE.test(nodeCode)) {
    const what =
      nodeCode === 'EPROTO' ? 'TLS handshake failed (is this the API-SSL port?)' : 'TLS certificate check failed';
    return new ConnectError(`cannot connect to ${where}: ${what}: ${err.message}`, 'ETLS', nodeCode);
  }
  const friendly = FRIENDLY[nodeCode as RouterOSErrorCode];
  if (friendly !== undefined) {
    return new ConnectError(`cannot connect to ${where}: ${friendly}`, nodeCode as RouterOSErrorCode);
  }
  if (nodeCode === 'ENFILE') {
    return new ConnectError(`cannot connect to ${where}: ${FRIENDLY.EMFILE}`, 'EMFILE', nodeCode);
  }
  if (nodeCode === 'ETIMEDOUT') return new ConnectError(`cannot connect to ${where}: ${err.message}`, 'ETIMEOUT');
  return new ConnectError(`cannot connect to ${where}: ${err.message}`, 'ECONNECT', nodeCode || undefined);
}

/**
 * Opens a TCP or TLS socket and resolves once it is ready to carry the API, or rejects with a
 * ConnectError that names the host and says what went wrong in words a network admin knows.
 */
export function openSocket(options: TransportOptions): Promise<net.Socket> {
  const { host, port, connectTimeout } = options;
  const where = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const readyEvent = options.tls ? 'secureConnect' : 'connect';
    try {
      if (options.tls) {
        const tlsOptions: tls.ConnectionOptions = options.tls === true ? {} : { ...options.tls };
        // SNI only for names; an IP address as servername is not allowed.
        if (tlsOptions.servername === undefined && net.isIP(host) === 0) tlsOptions.servername = host;
        socket = tls.connect({ ...tlsOptions, host, port });
      } else {
        socket = net.connect({ host, port });
      }
    } catch (err) {
      reject(new ConnectError(`cannot connect to ${where}: ${String(err)}`, 'ECONNECT'));
      return;
    }
    const giveUp = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const delay = timerDelay(connectTimeout);
    const timer =
      delay === undefined
        ? undefined
        : setTimeout(
            () => giveUp(new ConnectError(`cannot connect to ${where}: no answer within ${delay} ms`, 'ETIMEOUT')),
            delay,
          );
    const onError = (err: NodeJS.ErrnoException) => giveUp(connectFailure(where, err));
    const onAbort = () => giveUp(new ConnectionClosedError(`connecting to ${where} was given up`));
    const onReady = () => {
      cleanup();
      resolve(socket);
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off(readyEvent, onReady);
      options.signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', onError);
    socket.once(readyEvent, onReady);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
