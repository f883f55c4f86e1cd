import type { Node, NodeAPI, NodeStatus } from 'node-red';
import { InputError, RouterOSSession, SessionState } from '../../client';
import type { ConnectionUser, RouterOSConnectionNode } from './connection-types';

export interface ConnectionBinding {
  connection: RouterOSConnectionNode | undefined;
  /** The session to call, or an InputError when no connection is configured. */
  session(): RouterOSSession;
  /** Stops using the connection (the last user closes it). */
  release(): Promise<void>;
}

/**
 * Registers `node` with its configured routeros-connection and keeps its status in step with
 * the connection, unless `onState` takes over (the listen node shows its own state).
 */
export function useConnection(
  RED: NodeAPI,
  node: Node,
  connectionId: string | undefined,
  onState?: (state: SessionState, error: Error | undefined, status: NodeStatus) => void,
): ConnectionBinding {
  const connection = connectionId
    ? ((RED.nodes.getNode(connectionId) as RouterOSConnectionNode | null) ?? undefined)
    : undefined;
  const user: ConnectionUser = {
    node,
    onConnectionState: onState ?? ((_state, _error, status) => node.status(status)),
  };
  if (connection) {
    connection.register(user);
  } else {
    node.status({ fill: 'red', shape: 'ring', text: 'node-red:common.status.not-connected' });
  }
  return {
    connection,
    session() {
      if (!connection) throw new InputError('no RouterOS connection is configured for this node', 'ENOCONNECTION');
      const session = connection.session;
      if (!session) throw new InputError('the RouterOS connection is not open', 'ENOCONNECTION');
      return session;
    },
    release: () => (connection ? connection.deregister(user) : Promise.resolve()),
  };
}
