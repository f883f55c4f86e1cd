import type { Node, NodeAPI, NodeStatus } from 'node-red';
import { InputError } from '../../client';
import type { FleetUser, RouterOSFleetNode } from './fleet-types';

export interface FleetBinding {
  /** The fleet config node, or an InputError (ENOCONNECTION) when none is configured. */
  fleet(): RouterOSFleetNode;
  release(): Promise<void>;
}

/**
 * Registers `node` with its routeros-fleet and shows the fleet's status summary on it, unless
 * `onStatus` takes over (the listen node shows its streams while they run).
 */
export function useFleet(
  RED: NodeAPI,
  node: Node,
  fleetId: string | undefined,
  onStatus?: (status: NodeStatus) => void,
): FleetBinding {
  const fleet = fleetId ? ((RED.nodes.getNode(fleetId) as RouterOSFleetNode | null) ?? undefined) : undefined;
  const user: FleetUser = { node, onFleetStatus: onStatus ?? ((status) => node.status(status)) };
  if (fleet) fleet.register(user);
  else node.status({ fill: 'red', shape: 'ring', text: 'node-red:common.status.not-connected' });
  return {
    fleet() {
      if (!fleet) throw new InputError('no RouterOS fleet is configured for this node', 'ENOCONNECTION');
      return fleet;
    },
    release: () => (fleet ? fleet.deregister(user) : Promise.resolve()),
  };
}
