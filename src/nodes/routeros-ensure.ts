import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { InputError } from '../client';
import { EnsureOptions, ensure, parseKeys, parseRestrict } from '../desired';
import { FleetSend } from './command/fleet-command';
import { routersOf } from './shared/fleet-routers';
import { ensureOnFleet } from './ensure/fleet-ensure';
import { failInput } from './shared/errors';
import { ConnectionBinding, useConnection } from './shared/use-connection';
import { FleetBinding, useFleet } from './shared/use-fleet';

interface EnsureDef extends NodeDef {
  /** `fleet`: every router a message names of a routeros-fleet; otherwise the connection's router. */
  targetType?: 'connection' | 'fleet';
  connection: string;
  fleet?: string;
  /** With a fleet: the routers when a message names none ("*", or names / host:port). */
  routers?: string;
  path: string;
  /** Comma or space separated property names; empty for a one-object menu. */
  keys: string;
  unlisted: 'keep' | 'remove';
  /** One query per line, such as `?list=blocked`. */
  restrict: string;
  skipDynamic: boolean;
  keepOrder: boolean;
  dryRun: boolean;
  /** Empty: no limit. */
  maxChanges: string;
}

type Send = (m: NodeMessage | Array<NodeMessage | null>) => void;

/** The node's configuration with the message's overrides (msg.dryRun, msg.maxChanges). */
function optionsFor(def: EnsureDef, msg: NodeMessageInFlow): EnsureOptions {
  const options: EnsureOptions = {
    path: def.path,
    keys: parseKeys(def.keys),
    unlisted: def.unlisted === 'remove' ? 'remove' : 'keep',
    restrict: parseRestrict(def.restrict),
    skipDynamic: def.skipDynamic !== false,
    keepOrder: def.keepOrder === true,
    dryRun: def.dryRun === true,
  };
  const configured = String(def.maxChanges ?? '').trim();
  if (configured !== '') options.maxChanges = Number(configured);
  if (msg.dryRun !== undefined) {
    if (typeof msg.dryRun !== 'boolean') throw new InputError('msg.dryRun must be true or false');
    options.dryRun = msg.dryRun;
  }
  if (msg.maxChanges !== undefined) {
    if (typeof msg.maxChanges !== 'number') throw new InputError('msg.maxChanges must be a number');
    options.maxChanges = msg.maxChanges;
  }
  return options;
}

/** Maps a message (the desired entries) to an ensure run on the connection's router and back. */
export = function (RED: NodeAPI): void {
  function RouterOSEnsure(this: Node, def: EnsureDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const onFleet = def.targetType === 'fleet';
    const fleetBinding: FleetBinding | undefined = onFleet ? useFleet(RED, node, def.fleet) : undefined;
    const binding: ConnectionBinding | undefined = onFleet ? undefined : useConnection(RED, node, def.connection);

    node.on('input', async (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
      try {
        const options = optionsFor(def, msg);
        if (fleetBinding) {
          const routers = routersOf(msg, def.routers);
          await ensureOnFleet(RED, node, fleetBinding.fleet(), msg, { options, routers }, send as FleetSend);
          done();
          return;
        }
        if (!binding) throw new InputError('no RouterOS connection is configured for this node', 'ENOCONNECTION');
        const session = binding.session();
        const result = await ensure(session, msg.payload, options, { timeout: binding.connection?.callTimeout });
        const { report, diff } = result;
        msg.payload = report;
        const routeros = typeof msg.routeros === 'object' && msg.routeros !== null ? msg.routeros : {};
        msg.routeros = { ...routeros, path: options.path, diff };
        if (result.error) {
          // Catch gets the error; msg.payload says what was applied before it (or, refused, what would be).
          failInput(node, result.error, msg, done);
          return;
        }
        const count = report.added.length + report.updated.length + report.removed.length + report.moved.length;
        const key = report.dryRun ? 'routeros-ensure.status.dryRun' : 'routeros-ensure.status.applied';
        node.status({
          fill: count > 0 ? (report.dryRun ? 'yellow' : 'blue') : 'green',
          shape: 'dot',
          text: count > 0 ? RED._(key, { count }) : RED._('routeros-ensure.status.inSync'),
        });
        send(msg);
        done();
      } catch (err) {
        failInput(node, err, msg, done);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      const release = fleetBinding ? fleetBinding.release() : (binding?.release() ?? Promise.resolve());
      release.then(done, done);
    });
  }

  RED.nodes.registerType('routeros-ensure', RouterOSEnsure);
};
