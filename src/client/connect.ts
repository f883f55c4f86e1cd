import type { ConnectionOptions } from 'node:tls';
import { RouterOSClient, ClientOptions } from './client';
import { ConnectionClosedError } from './errors';
import { login } from './login';
import { openSocket } from './transport';

export const API_PORT = 8728;
export const API_SSL_PORT = 8729;

export interface ConnectOptions extends Omit<ClientOptions, 'label'> {
  host: string;
  /** Default 8728, or 8729 with TLS. */
  port?: number;
  /** API-SSL: `true`, or Node TLS options (`ca`, `rejectUnauthorized` ...). Certificates are verified by default. */
  tls?: boolean | ConnectionOptions;
  /** Default `admin`. */
  username?: string;
  /** Default empty, like a router fresh out of the box. */
  password?: string;
  /** ms for TCP/TLS set-up and for login, each (default 10 000; 0 = no limit). */
  connectTimeout?: number;
  /** Aborting it gives up at any stage: the socket closes and connect() rejects with ECLOSED. */
  signal?: AbortSignal;
}

/** Opens a connection, logs in and returns a ready client. */
export async function connect(options: ConnectOptions): Promise<RouterOSClient> {
  const port = options.port ?? (options.tls ? API_SSL_PORT : API_PORT);
  const connectTimeout = options.connectTimeout ?? 10_000;
  const label = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  const { signal } = options;
  const socket = await openSocket({ host: options.host, port, tls: options.tls, connectTimeout, signal });
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 30_000);
  const client = new RouterOSClient(socket, { ...options, label });
  const onAbort = () => void client.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw new ConnectionClosedError(`connecting to ${label} was given up`);
    await login(client, options.username ?? 'admin', options.password ?? '', connectTimeout);
  } catch (err) {
    await client.close();
    // Given up by the caller: say so, not "login failed".
    throw signal?.aborted ? new ConnectionClosedError(`connecting to ${label} was given up`) : err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  client.markAuthenticated();
  return client;
}
