import { RouterOSSimulator } from './server';
import { checkHost } from './transport';
import { SimulatorOptions } from './types';

/** Most routers one fleet simulator runs: bounded, like every loop in tests and benches. */
export const MAX_FLEET_ROUTERS = 10_000;

export interface FleetSimulatorOptions extends Omit<SimulatorOptions, 'port' | 'identity'> {
  /** How many routers (1 to MAX_FLEET_ROUTERS). */
  count: number;
  /**
   * The first router's port; the others follow it one by one (basePort, basePort + 1, …).
   * 0 (the default): each router gets a free port from the system, not necessarily consecutive.
   */
  basePort?: number;
}

/**
 * `router-001`, `router-002`, …: numbered from 1, zero-padded to at least three digits and to
 * the width of the largest number, so the names sort the way they count.
 */
export function fleetRouterName(index: number, count: number): string {
  return `router-${String(index).padStart(Math.max(3, String(count).length), '0')}`;
}

/**
 * N independent simulated routers in one process, one listening port each, for fleet tests,
 * the demo and the benchmark. Router i (from 1) has identity `router-00i` and a state of its own:
 * changing one changes no other. The options other than `count` and `basePort` apply to every
 * router (one account for the whole fleet, as most networks have).
 */
export class RouterOSFleetSimulator {
  /** The routers, in list order; each is a full RouterOSSimulator (faults, events, router). */
  readonly routers: readonly RouterOSSimulator[];
  private readonly basePort: number;
  private started = false;

  constructor(options: FleetSimulatorOptions) {
    const { count, basePort = 0, ...shared } = options;
    if (!Number.isInteger(count) || count < 1 || count > MAX_FLEET_ROUTERS) {
      throw new Error(`a fleet has 1 to ${MAX_FLEET_ROUTERS} routers, not ${count}`);
    }
    if (!Number.isInteger(basePort) || basePort < 0 || (basePort > 0 && basePort + count - 1 > 65535)) {
      throw new Error(`ports ${basePort}–${basePort + count - 1} are not all valid ports`);
    }
    checkHost(shared.host ?? '127.0.0.1', shared.allowNonLoopback);
    this.basePort = basePort;
    this.routers = Array.from(
      { length: count },
      (_, i) =>
        new RouterOSSimulator({
          ...shared,
          port: basePort === 0 ? 0 : basePort + i,
          identity: fleetRouterName(i + 1, count),
        }),
    );
  }

  get count(): number {
    return this.routers.length;
  }

  get host(): string {
    return this.routers[0].host;
  }

  /** Each router's listening port, in list order (the system's picks once started with basePort 0). */
  get ports(): number[] {
    return this.routers.map((router) => router.port);
  }

  /** The routers' identities at start (`router-001`, …), in list order: their names in the list. */
  get names(): string[] {
    return this.routers.map((_, i) => fleetRouterName(i + 1, this.routers.length));
  }

  /** TCP connections open now, over every router. */
  get openConnections(): number {
    return this.routers.reduce((sum, router) => sum + router.openConnections, 0);
  }

  /** TCP connections accepted over the fleet's whole life, over every router. */
  get totalConnections(): number {
    return this.routers.reduce((sum, router) => sum + router.totalConnections, 0);
  }

  /**
   * Starts every router. If any port cannot be had (taken by another program), the routers
   * already started are stopped again and the promise rejects naming that port.
   */
  async start(): Promise<void> {
    if (this.started) return;
    const results = await Promise.allSettled(this.routers.map((router) => router.start()));
    const failed = results.findIndex((result) => result.status === 'rejected');
    if (failed !== -1) {
      await this.stop();
      const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
      const why = reason instanceof Error ? reason.message : String(reason);
      const where = this.basePort === 0 ? '' : ` (port ${this.basePort + failed})`;
      throw new Error(`router ${failed + 1} of the fleet could not listen${where}: ${why}`);
    }
    this.started = true;
  }

  /** Stops every router and closes every connection; resolves when all are closed. */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.routers.map((router) => router.stop()));
  }

  /**
   * The fleet as a router list, one `name host:port` line per router, in the format the
   * `routeros-fleet` node and parseRouterList read. Names are the identities at start.
   */
  routerList(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return this.routers
      .map((router, i) => `${fleetRouterName(i + 1, this.routers.length)} ${host}:${router.port}\n`)
      .join('');
  }
}
