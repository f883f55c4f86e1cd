import type { Node, NodeStatus } from 'node-red';
import type { RouterOSSession, SessionState } from '../../client';

/**
 * A node that uses a routeros-connection: it is told every connection state change, with the
 * status to show for it. The connection node words that status: only its own RED._ knows its
 * catalog (each node set's RED._ looks in its own).
 */
export interface ConnectionUser {
  node: Node;
  onConnectionState(state: SessionState, error: Error | undefined, status: NodeStatus): void;
}

/** What command, listen and cancel nodes see of their config node. */
export interface RouterOSConnectionNode extends Node<{ password?: string }> {
  /** `host:port`, for messages. */
  readonly label: string;
  /** The shared session; it exists while at least one user is registered. */
  readonly session: RouterOSSession | undefined;
  /** Default per-call timeout in ms. */
  readonly callTimeout: number;
  register(user: ConnectionUser): RouterOSSession;
  deregister(user: ConnectionUser): Promise<void>;
}
