import type { Node } from 'node-red';
import type { RouterOSSession, SessionState } from '../../client';

/** A node that uses a routeros-connection: it is told every connection state change. */
export interface ConnectionUser {
  node: Node;
  onConnectionState(state: SessionState, error: Error | undefined): void;
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
