import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isTextEncoding } from '../protocol';
import { RouterOSSimulator } from './server';
import { SimulatorOptions } from './types';

export const USAGE = `Usage: routeros-simulator [options]

A RouterOS 7 API simulator for tests and demos (loopback only by default).

Options:
  -p, --port N            port to listen on (default 8728, or 8729 with --tls; 0 = any free port)
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
}

/** Parses the command line; throws an Error whose message is meant for the user. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p' },
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
  return { help: false, options };
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Runs the simulator from the command line until SIGINT or SIGTERM. Resolves with the running
 * simulator (undefined after --help); on bad arguments prints them and sets process.exitCode.
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<RouterOSSimulator | undefined> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    io.err(`routeros-simulator: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
  if (args.help) {
    io.out(USAGE);
    return undefined;
  }
  const simulator = new RouterOSSimulator(args.options);
  await simulator.start();
  io.out(
    `RouterOS simulator listening on ${simulator.host}:${simulator.port} (user ${args.options.username ?? 'admin'})\n`,
  );
  const shutdown = (): void => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    simulator.stop().catch((err: unknown) => {
      io.err(`routeros-simulator: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return simulator;
}
