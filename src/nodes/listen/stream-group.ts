import type {
  Attributes,
  CommandParams,
  ManagedStream,
  PoolRouter,
  RouterOSSession,
  RouterPool,
  StreamEndReason,
} from '../../client';

/** What a message asks the listen node to run, checked before the running streams are touched. */
export interface StreamRequest {
  command: string;
  params: CommandParams;
  tag: string | undefined;
}

/** What a group of streams tells the listen node. `router` is the router's name on a fleet. */
export interface StreamEvents {
  onRow(row: Attributes, tag: string, router: string | undefined): void;
  /** A stream started running, or is waiting for its router again. */
  onChange(): void;
  /** One stream stopped for good; the group has ended once `live` is 0. */
  onEnd(reason: StreamEndReason, error: Error | undefined, router: PoolRouter | undefined, tag: string): void;
}

/**
 * The streams one message started: one on a connection, or one per router on a fleet. The
 * session (or the pool's session per router) re-issues each after a reconnect.
 */
export interface StreamGroup {
  readonly command: string;
  /** Streams running on their router now. */
  readonly running: number;
  /** Streams not ended yet (running or waiting for their router). */
  readonly live: number;
  /** Streams started. */
  readonly total: number;
  stop(): Promise<void>;
}

/** One stream on a connection's session. */
export function singleStream(session: RouterOSSession, request: StreamRequest, events: StreamEvents): StreamGroup {
  let ended = false;
  const stream: ManagedStream = session.stream(request.command, request.params, {
    tag: request.tag,
    onRow: (row, tag) => events.onRow(row, tag, undefined),
    onState: () => events.onChange(),
    onEnd: (reason, error) => {
      ended = true;
      events.onEnd(reason, error, undefined, stream.tag);
    },
  });
  return {
    command: stream.command,
    get running() {
      return stream.running ? 1 : 0;
    },
    get live() {
      return ended ? 0 : 1;
    },
    total: 1,
    stop: () => stream.stop(),
  };
}

/**
 * The same stream on every router of a fleet the message names. A router that refuses the
 * stream ends only its own; the others go on.
 */
export async function fleetStreams(
  pool: RouterPool,
  routers: readonly PoolRouter[],
  request: StreamRequest,
  events: StreamEvents,
): Promise<StreamGroup> {
  const streams = new Map<string, ManagedStream>();
  const ended = new Set<string>();
  let stopped = false;
  const started = await Promise.allSettled(
    routers.map(async (router) => {
      const stream = await pool.stream(router, request.command, request.params, {
        tag: request.tag,
        onRow: (row, tag) => events.onRow(row, tag, router.name),
        onState: () => events.onChange(),
        onEnd: (reason, error) => {
          ended.add(router.name);
          events.onEnd(reason, error, router, request.tag ?? '');
        },
      });
      // Stopped while this router's connection was being opened: stop it at once.
      if (stopped) void stream.stop();
      streams.set(router.name, stream);
    }),
  );
  started.forEach((outcome, index) => {
    if (outcome.status === 'rejected') {
      const router = routers[index];
      ended.add(router.name);
      const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
      events.onEnd('error', error, router, request.tag ?? '');
    }
  });
  return {
    command: request.command,
    get running() {
      let running = 0;
      for (const stream of streams.values()) if (stream.running) running++;
      return running;
    },
    get live() {
      return routers.length - ended.size;
    },
    total: routers.length,
    stop: async () => {
      stopped = true;
      await Promise.all([...streams.values()].map((stream) => stream.stop()));
    },
  };
}
