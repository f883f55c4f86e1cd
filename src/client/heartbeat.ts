/** What the heartbeat needs from the connection it watches. */
export interface HeartbeatHost {
  /** Probes only run once login is done (login has its own timeout). */
  isAuthenticated(): boolean;
  /** Sends a cheap command; any byte the router sends afterwards proves it is alive. */
  sendProbe(): void;
  /** No byte arrived within the probe's timeout: the socket is half-open. */
  onDead(reason: string): void;
}

export interface HeartbeatOptions {
  /** Probe after this many ms without a byte from the router; undefined = no idle probes. */
  idleInterval: number | undefined;
  /** ms an idle probe waits for a byte. */
  idleProbeTimeout: number;
  /** ms a liveness probe (after a call met total silence) waits for a byte: short on purpose. */
  livenessTimeout: number;
}

/**
 * Knows when the router last sent anything, and finds a half-open socket: after a stretch of
 * silence (idle probe), or at once when a call timed out without a single byte from the router
 * since it was sent (liveness probe). Any byte during a probe is the verdict "alive", not only
 * the probe's own answer: a router busy with a long reply is alive.
 */
export class Heartbeat {
  /** Date.now() of the last byte from the router. */
  lastReceived = Date.now();
  /** Chunks received so far: "nothing since X" compared by count, exact where ms ties. */
  chunks = 0;
  private readonly host: HeartbeatHost;
  private readonly options: HeartbeatOptions;
  private idleTimer: NodeJS.Timeout | undefined;
  private probe: { timer: NodeJS.Timeout; verdict: Promise<boolean>; settle: (alive: boolean) => void } | undefined;
  private stopped = false;

  constructor(host: HeartbeatHost, options: HeartbeatOptions) {
    this.host = host;
    this.options = options;
    const interval = options.idleInterval;
    if (interval !== undefined) {
      this.idleTimer = setInterval(() => this.checkIdle(interval), Math.max(50, Math.min(interval, 1000)));
      this.idleTimer.unref();
    }
  }

  /** While a probe runs: resolves true when the router answers, false when it is declared dead. */
  get verdict(): Promise<boolean> | undefined {
    return this.probe?.verdict;
  }

  /** The router sent bytes. */
  heard(): void {
    this.lastReceived = Date.now();
    this.chunks++;
    if (this.probe) this.settle(true);
  }

  /** A call met total silence: check the router now rather than at the next idle probe. */
  checkNow(): void {
    this.start(this.options.livenessTimeout);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.idleTimer);
    if (this.probe) this.settle(false);
  }

  private checkIdle(interval: number): void {
    if (Date.now() - this.lastReceived >= interval) this.start(this.options.idleProbeTimeout);
  }

  private start(timeout: number): void {
    if (this.stopped || this.probe || !this.host.isAuthenticated()) return;
    let settle!: (alive: boolean) => void;
    const verdict = new Promise<boolean>((resolve) => (settle = resolve));
    const timer = setTimeout(() => {
      this.settle(false);
      this.host.onDead(`no reply to a keepalive probe within ${timeout} ms`);
    }, timeout);
    this.probe = { timer, verdict, settle };
    this.host.sendProbe();
  }

  private settle(alive: boolean): void {
    const probe = this.probe;
    if (!probe) return;
    this.probe = undefined;
    clearTimeout(probe.timer);
    probe.settle(alive);
  }
}
