import type { Node, NodeMessage, NodeStatus } from 'node-red';
import { RouterOSError, TrapError } from '../../client';

/** What a flow sees of an error on `msg.routeros.error`: Node-RED's msg.error keeps only message and code. */
export interface RouterOSErrorInfo {
  code: string;
  message: string;
  category?: number;
}

export function errorInfo(err: Error): RouterOSErrorInfo {
  const info: RouterOSErrorInfo = {
    code: err instanceof RouterOSError ? err.code : 'EUNKNOWN',
    message: err.message,
  };
  if (err instanceof TrapError && err.category !== undefined) info.category = err.category;
  return info;
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** A status text must stay short to be readable under a node. */
export function shortText(text: string, max = 48): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * The reason part of an error message, for a status under a node: drops the "cannot connect
 * to host:port:" / "login to host:port as user" lead-in and trailing hints in parentheses.
 */
export function statusText(err: Error): string {
  const reason = err.message
    .replace(/^cannot connect to \S+: /, '')
    .replace(/^login to \S+ as "[^"]*" /, 'login ')
    .replace(/ \([^()]*\)$/, '');
  return shortText(reason);
}

export function errorStatus(err: Error): NodeStatus {
  return { fill: 'red', shape: 'ring', text: statusText(err) };
}

/**
 * The one way a node reports an error: it goes to Catch nodes with the message (carrying
 * `msg.routeros.error` with the `!trap` category), and the node shows it.
 */
export function reportError(node: Node, err: unknown, msg: NodeMessage): void {
  const error = asError(err);
  const routeros = typeof msg.routeros === 'object' && msg.routeros !== null ? msg.routeros : {};
  msg.routeros = { ...routeros, error: errorInfo(error) };
  node.status(errorStatus(error));
  node.error(error, msg);
}

/**
 * The error path of every input handler: reportError, then the handler finishes. `done()`
 * takes no error because `node.error(err, msg)` already reported it.
 */
export function reportInputError(node: Node, err: unknown, msg: NodeMessage, done: () => void): void {
  reportError(node, err, msg);
  done();
}
