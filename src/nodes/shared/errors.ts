import type { Node, NodeMessage, NodeStatus } from 'node-red';
import { RouterOSError, TrapError } from '../../client';

/** What a flow sees of an error on `msg.routeros.error`: Node-RED's msg.error keeps only message and code. */
export interface RouterOSErrorInfo {
  code: string;
  message: string;
  category?: number;
  /** A lower layer's own code where ours is coarser, such as Node's TLS reason under ETLS. */
  detail?: string;
}

export function errorInfo(err: Error): RouterOSErrorInfo {
  const info: RouterOSErrorInfo = {
    code: err instanceof RouterOSError ? err.code : 'EUNKNOWN',
    message: err.message,
  };
  if (err instanceof TrapError && err.category !== undefined) info.category = err.category;
  if (err instanceof RouterOSError && err.detail !== undefined) info.detail = err.detail;
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

/** Puts `msg.routeros.error` on the message: Node-RED rebuilds msg.error with message and code only. */
function markFailed(error: Error, msg: NodeMessage): void {
  const routeros = typeof msg.routeros === 'object' && msg.routeros !== null ? msg.routeros : {};
  msg.routeros = { ...routeros, error: errorInfo(error) };
}

/**
 * An error with no input message to finish (a listen stream that failed on its own): it goes
 * to Catch nodes with `msg`, and the node shows it.
 */
export function reportError(node: Node, err: unknown, msg: NodeMessage): void {
  const error = asError(err);
  markFailed(error, msg);
  node.status(errorStatus(error));
  node.error(error, msg);
}

/**
 * One router of a fleet failed: its own message (with msg.router) goes to Catch nodes. The
 * node's status stays the fleet's summary; the input message itself goes on.
 */
export function reportRouterError(node: Node, err: unknown, msg: NodeMessage): void {
  const error = asError(err);
  markFailed(error, msg);
  node.error(error, msg);
}

/**
 * The error path of every input handler: `done(err)` hands the error to Node-RED, which tells
 * Catch nodes once and Complete nodes not at all (they only hear of successes).
 */
export function failInput(node: Node, err: unknown, msg: NodeMessage, done: (err?: Error) => void): void {
  const error = asError(err);
  markFailed(error, msg);
  node.status(errorStatus(error));
  done(error);
}
