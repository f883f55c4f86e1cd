import { readFileSync } from 'node:fs';
import { Server, Socket, createServer, isIPv4 } from 'node:net';
import { join, resolve } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { TlsMaterial } from './types';

/** The bundled test certificates: dist/simulator/ (or src/simulator/) → package root → bin/. */
export const CERT_DIR = resolve(__dirname, '..', '..', 'bin', 'simulator-certs');

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** Throws unless `host` is loopback or the caller allowed otherwise. */
export function checkHost(host: string, allowNonLoopback: boolean | undefined): void {
  if (!allowNonLoopback && !isLoopbackHost(host)) {
    throw new Error(
      `refusing to listen on ${host}: the simulator has well-known credentials; ` +
        'use a loopback address or set allowNonLoopback',
    );
  }
}

/** Key and certificate for `tls: true`: the simulator's test certificate for localhost. */
export function defaultTlsMaterial(): TlsMaterial {
  return {
    key: readFileSync(join(CERT_DIR, 'server-key.pem')),
    cert: readFileSync(join(CERT_DIR, 'server.pem')),
  };
}

/**
 * A TCP or TLS server. `onSession` gets sockets ready for API traffic (after the TLS handshake);
 * `onRaw` gets every accepted TCP socket, so the owner can count and destroy them all, including
 * ones still in a handshake.
 */
export function createListener(
  tls: boolean | TlsMaterial | undefined,
  onSession: (socket: Socket) => void,
  onRaw: (socket: Socket) => void,
  log: (line: string) => void,
): Server {
  if (!tls) {
    const server = createServer((socket) => {
      onRaw(socket);
      onSession(socket);
    });
    return server;
  }
  const material = tls === true ? defaultTlsMaterial() : tls;
  const server = createTlsServer({ key: material.key, cert: material.cert }, (socket) => onSession(socket));
  server.on('connection', (socket: Socket) => onRaw(socket));
  server.on('tlsClientError', (err) => log(`TLS handshake failed: ${err.message}`));
  return server;
}
