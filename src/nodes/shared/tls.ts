import type { ConnectionOptions } from 'node:tls';
import type { Node, NodeAPI } from 'node-red';

interface TlsConfigNode extends Node {
  addTLSOptions(options: ConnectionOptions): void;
}

/**
 * API-SSL options from a Node-RED `tls-config` node (its CA, client certificate and whether to
 * verify). Without one, the router's certificate is checked against the system's authorities.
 * `onUnverified` runs when the tls-config turns verification off, so the user is told.
 */
export function tlsOptions(RED: NodeAPI, tlsConfigId: string | undefined, onUnverified: () => void): ConnectionOptions {
  const options: ConnectionOptions = {};
  const tlsNode = tlsConfigId ? (RED.nodes.getNode(tlsConfigId) as TlsConfigNode | null) : null;
  if (tlsNode && typeof tlsNode.addTLSOptions === 'function') tlsNode.addTLSOptions(options);
  if (options.rejectUnauthorized === false) onUnverified();
  return options;
}
