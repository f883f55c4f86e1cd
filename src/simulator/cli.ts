import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isTextEncoding } from '../protocol';
import { MAX_FLEET_ROUTERS, RouterOSFleetSimulator } from './fleet';
import { RecordingProxy } from './record';
import {
  RECORD_USAGE,
  REPLAY_USAGE,
  parseRecordArgs,
  parseReplayArgs,
  prepareRecord,
  prepareReplay,
} from './recording-cli';
import { ReplayServer } from './replay';
import { RouterOSSimulator } from './server';
import { SimulatorOptions } from './types';

export const USAGE = `Usage: routeros-simulator [options]
       routeros-simulator record --router HOST[:PORT] --out FILE [--port N] [--tls]
       routeros-simulator replay FILE [--port N]

A RouterOS 7 API simulator for tests and demos (loopback only by default); \`record\` and
\`replay\` turn a real router's answers into a fixture (see \`routeros-simulator record --help\`).

Options:
  -p, --port N            port to listen on (default 8728, or 8729 with --tls; 0 = any free port)
      --routers N         run N independent routers (identities router-001, …) on consecutive
                          ports from --port (with --port 0: any free ports); prints the fleet
                          as a router list (\`name host:port\` lines) for a routeros-fleet node
      --host ADDR         address to listen on (default 127.0.0.1)
  -u, --user NAME         login name (default admin)
      --password PASS     login password (default empty)
      --legacy-login      behave like RouterOS before 6.43 (MD5 challenge login)
      --tls               API-SSL with the bundled test certificate (bin/simulator-certs)
      --cert FILE         PEM certificate for --tls (with --key)
      --key FILE          PEM private key for --tls (with --cert)
      --identity NAME     /system/identity name (default MikroTik)
      --encoding ENC      utf8 or win1252 (default utf8)
      --allow-non-loopback  allow --host to be a non-loopback address
      --log               print connections and errors
  -h, --help              show this help
`;

export interface CliArgs {
  help: boolean;
  options: SimulatorOptions;
  /** With --routers: how many routers the fleet has (options.port is the first one's). */
  routers?: number;
}

/** Parses the command line; throws an Error whose message is meant for the user. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p' },
      routers: { type: 'string' },
      host: { type: 'string' },
      user: { type: 'string', short: 'u' },
      password: { type: 'string' },
      'legacy-login': { type: 'boolean' },
      tls: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' },
      identity: { type: 'string' },
      encoding: { type: 'string' },
      'allow-non-loopback': { type: 'boolean' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true, options: {} };
  const useTls = values.tls === true || values.cert !== undefined || values.key !== undefined;
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new Error('--cert and --key go together');
  }
  const portText = values.port ?? (useTls ? '8729' : '8728');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`invalid port: ${portText}`);
  if (values.encoding !== undefined && !isTextEncoding(values.encoding)) {
    throw new Error(`invalid encoding: ${values.encoding} (utf8 or win1252)`);
  }
  let routers: number | undefined;
  if (values.routers !== undefined) {
    routers = Number(values.routers);
    if (!/^\d+$/.test(values.routers) || routers < 1 || routers > MAX_FLEET_ROUTERS) {
      throw new Error(`invalid --routers: ${values.routers} (1 to ${MAX_FLEET_ROUTERS})`);
    }
    if (port > 0 && port + routers - 1 > 65535) throw new Error(`ports ${port}–${port + routers - 1} do not all exist`);
    if (values.identity !== undefined) throw new Error('--identity and --routers: fleet routers are router-001, …');
  }
  const options: SimulatorOptions = {
    host: values.host ?? '127.0.0.1',
    port,
    username: values.user ?? 'admin',
    password: values.password ?? '',
    legacyLogin: values['legacy-login'] === true,
    identity: values.identity,
    encoding: values.encoding !== undefined && isTextEncoding(values.encoding) ? values.encoding : 'utf8',
    allowNonLoopback: values['allow-non-loopback'] === true,
    log: values.log === true,
  };
  if (values.cert !== undefined && values.key !== undefined) {
    options.tls = { cert: readFileSync(values.cert), key: readFileSync(values.key) };
  } else if (useTls) {
    options.tls = true;
  }
  return routers === undefined ? { help: false, options } : { help: false, options, routers };
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** What the command line runs: the simulator, or the record proxy, or a replay. */
export type CliService = RouterOSSimulator | RouterOSFleetSimulator | RecordingProxy | ReplayServer;

/**
 * Runs the simulator (or `record` / `replay`) from the command line until SIGINT or SIGTERM.
 * Resolves with what runs (undefined after --help); on bad arguments prints them with the usage
 * and sets process.exitCode. Failures to start (a port in use, an unreadable file) reject.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<CliService | undefined> {
  const [first, ...rest] = argv;
  let start: () => Promise<CliService | undefined>;
  try {
    if (first === 'record') start = prepareRecord(parseRecordArgs(rest), io);
    else if (first === 'replay') start = prepareReplay(parseReplayArgs(rest), io);
    else start = prepareSimulator(parseCliArgs(argv), io);
  } catch (err) {
    const usage = first === 'record' ? RECORD_USAGE : first === 'replay' ? REPLAY_USAGE : USAGE;
    io.err(`routeros-simulator: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    process.exitCode = 2;
    return undefined;
  }
  const service = await start();
  if (service) stopOnSignal(service, io);
  return service;
}

function prepareSimulator(
  args: CliArgs,
  io: CliIo,
): () => Promise<RouterOSSimulator | RouterOSFleetSimulator | undefined> {
  return async () => {
    if (args.help) {
      io.out(USAGE);
      return undefined;
    }
    if (args.routers !== undefined) return startFleet(args.options, args.routers, io);
    const simulator = new RouterOSSimulator(args.options);
    await simulator.start();
    io.out(
      `RouterOS simulator listening on ${simulator.host}:${simulator.port} (user ${args.options.username ?? 'admin'})\n`,
    );
    return simulator;
  };
}

/** Prints the fleet as a router list; its first line is a `#` comment, so the whole output is one. */
async function startFleet(options: SimulatorOptions, count: number, io: CliIo): Promise<RouterOSFleetSimulator> {
  const { port, ...shared } = options;
  const fleet = new RouterOSFleetSimulator({ ...shared, count, basePort: port });
  await fleet.start();
  const ports = fleet.ports;
  const span = port ? `${fleet.host}:${ports[0]}–${ports[ports.length - 1]}` : `${fleet.host}, free ports`;
  io.out(
    `# RouterOS simulator fleet: ${count} router${count === 1 ? '' : 's'} on ${span} (user ${options.username ?? 'admin'})\n` +
      fleet.routerList(),
  );
  return fleet;
}

function stopOnSignal(service: CliService, io: CliIo): void {
  const shutdown = (): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    service.stop().catch((err: unknown) => {
      io.err(`routeros-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
