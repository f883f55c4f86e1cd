import type { NodeAPI, NodeDef, NodeStatus } from 'node-red';
import { API_PORT, API_SSL_PORT, isTextEncoding, RouterOSSession, SessionState } from '../client';
import type { ConnectionUser, RouterOSConnectionNode } from './shared/connection-types';
import { withDeadline } from './shared/deadline';
import { registerInspectEndpoint } from './shared/inspect-endpoint';
import { connectionStatus } from './shared/status';
import { isPort, isPositive, sessionOptions, setting } from './shared/settings';
import { tlsOptions } from './shared/tls';

interface ConnectionDef extends NodeDef {
  host: string;
  port: string | number;
  username: string;
  useTls: boolean;
  tlsConfig: string;
  encoding: string;
  timeout: string | number;
  keepalive: string | number;
  loginRetry: string | number;
}

const CLOSE_WAIT_MS = 5000;

/**
 * The config node: owns one session (one authenticated connection) for every node that uses
 * it. The first user to register opens it, the last to leave closes it; each state change is
 * logged once and shown on every user.
 */
export = function (RED: NodeAPI): void {
  registerInspectEndpoint(RED);

  function RouterOSConnection(this: RouterOSConnectionNode, def: ConnectionDef): void {
    RED.nodes.createNode(this, def);
    const node = this as RouterOSConnectionNode & {
      label: string;
      session: RouterOSSession | undefined;
      callTimeout: number;
    };
    const users = new Map<string, ConnectionUser>();
    const useTls = def.useTls === true;
    const host = (def.host || '').trim() || '127.0.0.1';
    const warn = (text: string) => node.warn(text);
    const port = setting(RED, warn, 'routeros-connection', 'port', def.port, useTls ? API_SSL_PORT : API_PORT, isPort);
    const timeoutMs = setting(RED, warn, 'routeros-connection', 'timeout', def.timeout, 10, isPositive) * 1000;
    const keepaliveMs = setting(RED, warn, 'routeros-connection', 'keepalive', def.keepalive, 30, isPositive) * 1000;
    const loginRetryMs =
      setting(RED, warn, 'routeros-connection', 'loginRetry', def.loginRetry, 300, isPositive) * 1000;
    node.label = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    node.callTimeout = timeoutMs;
    node.session = undefined;
    let state: SessionState = 'idle';
    let stateError: Error | undefined;

    /** The status every user shows, worded with this node set's catalog. */
    function statusFor(session: RouterOSSession, shown: SessionState, error: Error | undefined): NodeStatus {
      const retryAt = session.nextAttemptAt;
      return connectionStatus(shown, error, retryAt === undefined ? undefined : retryAt - Date.now(), RED._);
    }

    function openSession(): RouterOSSession {
      const session = new RouterOSSession({
        host,
        port,
        tls: useTls
          ? tlsOptions(RED, def.tlsConfig, () =>
              node.warn(RED._('routeros-connection.warn.tls-unverified', { router: node.label })),
            )
          : false,
        ...sessionOptions({
          username: def.username,
          password: node.credentials?.password,
          encoding: isTextEncoding(def.encoding) ? def.encoding : 'utf8',
          timeoutMs,
          keepaliveMs,
          loginRetryMs,
        }),
      });
      session.on('state', (next: SessionState, error: Error | undefined) => {
        state = next;
        stateError = error;
        const status = statusFor(session, next, error);
        if (next === 'connected') node.log(RED._('routeros-connection.log.connected', { router: node.label }));
        if (next === 'disconnected') {
          node.warn(
            RED._('routeros-connection.log.disconnected', { router: node.label, reason: error?.message ?? '' }),
          );
        }
        for (const user of users.values()) user.onConnectionState(next, error, status);
      });
      // A node's stream callback threw: a bug to see in the log, not a reason to stop.
      session.on('callbackError', (error: Error) => node.error(error));
      return session;
    }

    node.register = (user: ConnectionUser): RouterOSSession => {
      users.set(user.node.id, user);
      if (!node.session) node.session = openSession();
      const shown = node.session.state === 'idle' ? 'connecting' : state;
      user.onConnectionState(shown, stateError, statusFor(node.session, shown, stateError));
      node.session.start();
      return node.session;
    };

    node.deregister = async (user: ConnectionUser): Promise<void> => {
      // Only its own entry: a redeployed node with the same id may have registered meanwhile.
      if (users.get(user.node.id) !== user) return;
      users.delete(user.node.id);
      if (users.size > 0 || !node.session) return;
      const session = node.session;
      node.session = undefined;
      state = 'idle';
      await closeWithin(session);
    };

    node.on('close', (_removed: boolean, done: () => void) => {
      users.clear();
      const session = node.session;
      node.session = undefined;
      if (!session) {
        done();
        return;
      }
      closeWithin(session).then(done, done);
    });
  }

  RED.nodes.registerType<RouterOSConnectionNode, ConnectionDef, unknown, { password?: string }>(
    'routeros-connection',
    RouterOSConnection,
    {
      credentials: { password: { type: 'password' } },
    },
  );
};

/** Closes the session, giving up waiting after CLOSE_WAIT_MS so a close handler always finishes. */
function closeWithin(session: RouterOSSession): Promise<void> {
  return withDeadline(session.close(), CLOSE_WAIT_MS, () => undefined);
}
