import type { Request, Response } from 'express';
import type { Node, NodeAPI } from 'node-red';
import { RouterOSError, TrapError } from '../../client';
import { InspectItem, inspectChildren, MENU_NAME, sortItems } from '../../client/inspect';
import type { RouterOSConnectionNode } from './connection-types';
import { withDeadline } from './deadline';
import { bundledChildren } from './menu-paths';

/**
 * The editor's completion source: `GET <admin root>/routeros-api/inspect?connection=<id>&path=/ip`
 * answers what is below `path` on the router of the deployed routeros-connection `<id>`:
 *
 *   { source: 'router' | 'bundled', path, reason?, items: [{ name, type: 'menu' | 'command' | 'argument' }] }
 *
 * It asks the router with `/console/inspect request=child` (the only command it runs) when that
 * connection is open, and answers from the bundled list of common RouterOS 7 menus at once when
 * it is not, after a short timeout when the router is slow, and when the router has no inspect
 * (RouterOS 6). `reason` says why the bundled list was used. Router answers are cached per
 * deployed connection and path. Only users who may read flows get an answer (`flows.read`,
 * when adminAuth is on). Credentials never leave the runtime: the answer holds names only.
 *
 * Every situation a dialog meets in ordinary use answers 200, with the bundled list and its
 * `reason` where the router could not answer: no connection chosen yet (`no-connection`), a
 * connection not deployed yet (`not-deployed`, every dialog of a new flow), a router not
 * connected, slow or without inspect. An error status would make the browser log a failed
 * request for every path typed. Error statuses are for requests that are really wrong: 400 for a
 * path with anything but menu names, a malformed id, or the id of a node that is no connection;
 * 401 without `flows.read`.
 */

export const INSPECT_ROUTE = '/routeros-api/inspect';

export type FallbackReason = 'no-connection' | 'not-deployed' | 'not-connected' | 'timeout' | 'unsupported' | 'error';

export interface InspectAnswer {
  source: 'router' | 'bundled';
  path: string;
  reason?: FallbackReason;
  items: InspectItem[];
}

export interface InspectEndpointOptions {
  /** How long to wait for the router, in ms (default 2000). */
  timeoutMs?: number;
  /** How long a router answer is reused, in ms (default 5 minutes). */
  cacheTtlMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_CACHE_TTL_MS = 5 * 60 * 1000;
/** Paths remembered per connection; the oldest go first. */
const CACHE_LIMIT = 500;
const MAX_SEGMENTS = 16;
const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Arguments a router lists that the dialogs handle elsewhere or that are no API attributes:
 * `proplist` (the Properties field sends `.proplist`), `where` and `do` (console script blocks).
 */
const HIDDEN_ARGUMENTS = new Set(['proplist', 'where', 'do']);

interface CacheEntry {
  expires: number;
  answer: Promise<InspectAnswer>;
}

/** Per deployed connection node (a redeploy makes a new node, and so a fresh cache). */
const caches = new WeakMap<object, Map<string, CacheEntry>>();
/** Admin apps the route is on already: the module function may run more than once per app. */
const registered = new WeakSet<object>();

/** The path's names, or undefined when it is not a menu path (`''`, `/`, `/ip/address`, `ip/address`). */
export function parseMenuPath(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const trimmed = value.replace(/^\//, '');
  if (trimmed === '') return [];
  const segments = trimmed.split('/');
  if (segments.length > MAX_SEGMENTS || !segments.every((s) => MENU_NAME.test(s))) return undefined;
  return segments;
}

function bundled(path: string, segments: readonly string[], reason: FallbackReason): InspectAnswer {
  return { source: 'bundled', path, reason, items: bundledChildren(segments) };
}

/** `listen` works wherever `print` does, but it is an API word the console tree does not list. */
function completeRouterItems(items: InspectItem[]): InspectItem[] {
  const visible = items.filter((item) => item.type !== 'argument' || !HIDDEN_ARGUMENTS.has(item.name));
  const has = (name: string) => visible.some((item) => item.type === 'command' && item.name === name);
  if (has('print') && !has('listen')) visible.push({ name: 'listen', type: 'command' });
  return sortItems(visible);
}

function fallbackReason(err: unknown): FallbackReason {
  if (err instanceof TrapError) return 'unsupported';
  if (err instanceof RouterOSError && err.code === 'ETIMEOUT') return 'timeout';
  return 'error';
}

async function askRouter(
  connection: RouterOSConnectionNode,
  path: string,
  segments: readonly string[],
  timeoutMs: number,
): Promise<InspectAnswer> {
  const session = connection.session;
  if (!session || !session.connected) return bundled(path, segments, 'not-connected');
  try {
    const items = await inspectChildren(session, segments, { timeout: timeoutMs });
    return { source: 'router', path, items: completeRouterItems(items) };
  } catch (err) {
    return bundled(path, segments, fallbackReason(err));
  }
}

function cachedAnswer(
  connection: RouterOSConnectionNode,
  path: string,
  segments: readonly string[],
  options: Required<InspectEndpointOptions>,
): Promise<InspectAnswer> {
  let cache = caches.get(connection);
  if (!cache) {
    cache = new Map();
    caches.set(connection, cache);
  }
  const now = Date.now();
  const hit = cache.get(path);
  if (hit && hit.expires > now) return hit.answer;
  if (hit) cache.delete(path);
  const answer = withDeadline(askRouter(connection, path, segments, options.timeoutMs), options.timeoutMs + 250, () =>
    bundled(path, segments, 'timeout'),
  );
  const entry: CacheEntry = { expires: now + options.cacheTtlMs, answer };
  cache.set(path, entry);
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  // Keep what the router said (its tree, or that it has no inspect); forget passing trouble,
  // so the next keystroke after a reconnect asks again.
  void answer.then((result) => {
    const keep = result.source === 'router' || result.reason === 'unsupported';
    if (!keep && cache.get(path) === entry) cache.delete(path);
  });
  return answer;
}

function isConnectionNode(node: Node | null | undefined): node is RouterOSConnectionNode {
  return !!node && node.type === 'routeros-connection';
}

/** Registers the route on RED.httpAdmin once; call it from the routeros-connection module. */
export function registerInspectEndpoint(RED: NodeAPI, options: InspectEndpointOptions = {}): void {
  const app = RED.httpAdmin as unknown as object | undefined;
  if (!app || registered.has(app)) return;
  registered.add(app);
  const settings: Required<InspectEndpointOptions> = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    cacheTtlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
  };

  RED.httpAdmin.get(INSPECT_ROUTE, RED.auth.needsPermission('flows.read'), (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const segments = parseMenuPath(req.query.path);
    const id = req.query.connection;
    if (!segments || (id !== undefined && (typeof id !== 'string' || (id !== '' && !NODE_ID.test(id))))) {
      res.status(400).json({ error: segments ? 'bad-connection' : 'bad-path' });
      return;
    }
    const path = '/' + segments.join('/');
    if (id === undefined || id === '') {
      res.json(bundled(path, segments, 'no-connection'));
      return;
    }
    const node = RED.nodes.getNode(id) as Node | null;
    if (!node) {
      res.json(bundled(path, segments, 'not-deployed'));
      return;
    }
    if (!isConnectionNode(node)) {
      res.status(400).json({ error: 'not-a-connection' });
      return;
    }
    cachedAnswer(node, path, segments, settings).then(
      (answer) => res.json(answer),
      () => res.json(bundled(path, segments, 'error')),
    );
  });
}
