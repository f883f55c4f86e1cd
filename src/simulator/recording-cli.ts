/** The `record` and `replay` subcommands of `routeros-simulator`. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TextEncoding, isTextEncoding } from '../protocol';
import { RecordOptions, RecordingProxy } from './record';
import { parseRecording } from './recording-format';
import { ReplayOptions, ReplayServer } from './replay';

export const RECORD_USAGE = `Usage: routeros-simulator record --router HOST[:PORT] --out FILE [options]

A transparent proxy on loopback to a real router: point your client at 127.0.0.1:PORT, and every
sentence both ways goes to FILE (JSON), with passwords and other secrets replaced by <redacted>.

Options:
      --router HOST[:PORT]  the router's API address (port 8728, or 8729 with --tls)
      --out FILE            the recording to write
  -p, --port N              port the proxy listens on (default 8728; 0 = any free port)
      --host ADDR           address the proxy listens on (default 127.0.0.1)
      --tls                 API-SSL to the router (the proxy's own port stays plain TCP)
      --ca FILE             PEM certificate(s) to trust for the router's TLS certificate
      --insecure            do not check the router's TLS certificate
      --encoding ENC        utf8 or win1252 (default utf8)
      --source TEXT         a note saved in the file (where and what was recorded)
      --log                 print connections
  -h, --help                show this help
`;

export const REPLAY_USAGE = `Usage: routeros-simulator replay FILE [options]

Answers API clients from a recording made with \`routeros-simulator record\` (any login is
accepted; a command not in the recording gets "no such command").

Options:
  -p, --port N              port to listen on (default 8728; 0 = any free port)
      --host ADDR           address to listen on (default 127.0.0.1)
      --log                 print commands the recording does not answer
  -h, --help                show this help
`;

function parsePort(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`invalid ${what}: ${text}`);
  return port;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function parseRouterAddress(text: string, defaultPort: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: parsePort(bracketed[2], defaultPort, 'router port') };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = text.split(':');
    if (host === '') throw new Error(`invalid --router: ${text}`);
    return { host, port: parsePort(port, defaultPort, 'router port') };
  }
  if (text === '') throw new Error('--router needs a host');
  return { host: text, port: defaultPort }; // a bare name, IPv4 or unbracketed IPv6 address
}

function encodingOf(text: string | undefined): TextEncoding {
  if (text === undefined) return 'utf8';
  if (!isTextEncoding(text)) throw new Error(`invalid encoding: ${text} (utf8 or win1252)`);
  return text;
}

export interface RecordArgs {
  help: boolean;
  options: RecordOptions | undefined;
  log: boolean;
}

export function parseRecordArgs(argv: readonly string[]): RecordArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      router: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      tls: { type: 'boolean' },
      ca: { type: 'string' },
      insecure: { type: 'boolean' },
      encoding: { type: 'string' },
      source: { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true, options: undefined, log: false };
  if (values.router === undefined) throw new Error('record needs --router HOST[:PORT]');
  if (values.out === undefined) throw new Error('record needs --out FILE');
  const useTls = values.tls === true || values.ca !== undefined || values.insecure === true;
  const router = parseRouterAddress(values.router, useTls ? 8729 : 8728);
  const options: RecordOptions = {
    routerHost: router.host,
    routerPort: router.port,
    host: values.host ?? '127.0.0.1',
    port: parsePort(values.port, 8728, 'port'),
    out: values.out,
    encoding: encodingOf(values.encoding),
    source: values.source,
  };
  if (useTls) {
    options.tls = {
      ...(values.ca !== undefined ? { ca: readFileSync(values.ca) } : {}),
      ...(values.insecure ? { rejectUnauthorized: false } : {}),
    };
  }
  return { help: false, options, log: values.log === true };
}

export interface ReplayArgs {
  help: boolean;
  file: string | undefined;
  options: ReplayOptions;
  log: boolean;
}

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true, file: undefined, options: {}, log: false };
  if (positionals.length !== 1) throw new Error('replay needs exactly one recording FILE');
  return {
    help: false,
    file: positionals[0],
    options: { host: values.host ?? '127.0.0.1', port: parsePort(values.port, 8728, 'port') },
    log: values.log === true,
  };
}

export interface SubcommandIo {
  out: (text: string) => void;
}

/** What `record` runs once its arguments are parsed: the proxy (undefined after --help). */
export function prepareRecord(args: RecordArgs, io: SubcommandIo): () => Promise<RecordingProxy | undefined> {
  return async () => {
    if (args.help || !args.options) {
      io.out(RECORD_USAGE);
      return undefined;
    }
    const log = args.log ? (line: string) => io.out(`[record] ${line}\n`) : undefined;
    const proxy = new RecordingProxy({ ...args.options, log });
    await proxy.start();
    await proxy.flush(); // the file exists (and is writable) from the start
    const { routerHost, routerPort, out } = args.options;
    io.out(`Recording proxy listening on ${proxy.host}:${proxy.port} → ${routerHost}:${routerPort}, writing ${out}\n`);
    return proxy;
  };
}

/** What `replay` runs once its arguments are parsed: the server (undefined after --help). */
export function prepareReplay(args: ReplayArgs, io: SubcommandIo): () => Promise<ReplayServer | undefined> {
  return async () => {
    if (args.help || args.file === undefined) {
      io.out(REPLAY_USAGE);
      return undefined;
    }
    const recording = parseRecording(readFileSync(args.file, 'utf8'));
    const log = args.log ? (line: string) => io.out(`[replay] ${line}\n`) : undefined;
    const server = new ReplayServer(recording, { ...args.options, log });
    await server.start();
    io.out(`RouterOS replay of ${args.file} listening on ${server.host}:${server.port}\n`);
    return server;
  };
}
