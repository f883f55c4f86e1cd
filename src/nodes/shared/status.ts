import type { NodeStatus } from 'node-red';
import type { SessionState } from '../../client';
import { statusText } from './errors';

/** The status dot every user of a connection shows for a connection state. */
export function connectionStatus(state: SessionState, error: Error | undefined): NodeStatus {
  switch (state) {
    case 'connected':
      return { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' };
    case 'disconnected':
      return { fill: 'red', shape: 'ring', text: error ? statusText(error) : 'node-red:common.status.disconnected' };
    case 'closed':
      return {};
    default:
      return { fill: 'grey', shape: 'ring', text: 'node-red:common.status.connecting' };
  }
}
