import type { Node, NodeStatus } from 'node-red';
import type { FleetRouter, RouterPool, Targets } from '../../client';

/** A node that works on a fleet: it is told the fleet's status summary whenever it changes. */
export interface FleetUser {
  node: Node;
  onFleetStatus(status: NodeStatus): void;
}

/** What command, listen and cancel nodes see of a routeros-fleet config node. */
export interface RouterOSFleetNode extends Node<{ password?: string }> {
  /** The routers of the list (every shard). */
  readonly routers: readonly FleetRouter[];
  /** The routers this instance works on (its shard). */
  readonly shardRouters: readonly FleetRouter[];
  /** Why the fleet cannot be used (a list that does not parse), or undefined. */
  readonly problem: Error | undefined;
  /** Per-router call timeout in ms. */
  readonly callTimeout: number;
  /** Routers worked on at once in one fan-out. */
  readonly concurrency: number;
  /** The routers `spec` names; throws InputError (EINPUT) before any connection is opened. */
  targets(spec: unknown): Targets;
  /** The pool; it exists while at least one user is registered. */
  pool(): RouterPool;
  register(user: FleetUser): void;
  deregister(user: FleetUser): Promise<void>;
}
