import type { NodeStatus } from 'node-red';
import { RouterOSError, SessionState } from '../../client';
import { statusText } from './errors';

/** Node-RED's RED._ : a catalog key and its values to the user's language. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * The status dot every user of a connection shows for a connection state. A refused login
 * says when the next try is, since that wait is long on purpose (see the connection's help).
 */
export function connectionStatus(
  state: SessionState,
  error: Error | undefined,
  retryInMs?: number,
  translate?: Translate,
): NodeStatus {
  switch (state) {
    case 'connected':
      return { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' };
    case 'disconnected':
      return { fill: 'red', shape: 'ring', text: disconnectedText(error, retryInMs, translate) };
    case 'closed':
      return {};
    default:
      return { fill: 'grey', shape: 'ring', text: 'node-red:common.status.connecting' };
  }
}

function disconnectedText(error: Error | undefined, retryInMs: number | undefined, translate?: Translate): string {
  if (!error) return 'node-red:common.status.disconnected';
  if (translate && retryInMs !== undefined && error instanceof RouterOSError && error.code === 'ELOGIN') {
    return translate('routeros-connection.status.loginRefused', { time: waitText(retryInMs, translate) });
  }
  return statusText(error);
}

/** "5 min" for a wait of minutes, "20 s" below one minute. */
function waitText(ms: number, translate: Translate): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return translate('routeros-connection.status.seconds', { count: seconds });
  return translate('routeros-connection.status.minutes', { count: Math.round(seconds / 60) });
}
