/**
 * The file `routeros-simulator record` writes and `replay` reads: every sentence of one or more
 * API sessions, both ways, in the order the proxy saw them, with secrets replaced by REDACTED.
 *
 * ```json
 * { "format": "routeros-api-recording", "version": 1, "source": "…", "encoding": "utf8",
 *   "sentences": [
 *     { "connection": 1, "from": "client", "at": 0, "words": ["/login", "=name=admin", "=password=<redacted>"] },
 *     { "connection": 1, "from": "router", "at": 3, "words": ["!done"] } ] }
 * ```
 */
import { TextEncoding, isTextEncoding } from '../protocol';

export const RECORDING_FORMAT = 'routeros-api-recording';
export const RECORDING_VERSION = 1;
/** What a secret's value becomes in a recording; replay lets any value match it. */
export const REDACTED = '<redacted>';

export interface RecordedSentence {
  /** Connection number (1, 2, …) in the order the proxy accepted the connections. */
  connection: number;
  /** Who sent it: the API client, or the router (through the proxy). */
  from: 'client' | 'router';
  /** Milliseconds since the recording started. */
  at: number;
  words: string[];
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** Free text: where the recording comes from (hand-made ones cite their sources here). */
  source?: string;
  /** When the recording started (ISO 8601). */
  recordedAt?: string;
  /** Text encoding the words were decoded with. Default utf8. */
  encoding?: TextEncoding;
  sentences: RecordedSentence[];
}

/** Attribute names whose values never reach a recording. */
const SECRET_NAMES = new Set([
  'password',
  'response', // the pre-6.43 login's MD5 response: enough to try passwords offline
  'secret',
  'passphrase',
  'private-key',
  'preshared-key',
  'pre-shared-key',
  'wpa-pre-shared-key',
  'wpa2-pre-shared-key',
]);
const SECRET_SUFFIXES = ['-password', '-secret', '-passphrase'];

/** True for attribute names whose values are secrets (see the README's list). */
export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name) || SECRET_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** The name/value split of an attribute or query word; undefined for other words. */
function splitWord(word: string): { head: string; name: string; value: string } | undefined {
  // Attribute `=name=value`; query `?name=value`, `?=name=value`, `?<name=value`, `?>name=value`.
  const m = /^(=|\?=|\?<|\?>|\?)([^=]+)=/.exec(word);
  if (!m || (m[1] === '?' && m[2].startsWith('#'))) return undefined;
  return { head: m[1], name: m[2], value: word.slice(m[0].length) };
}

/** The words with every secret value (attribute or query) replaced by REDACTED. */
export function redactWords(words: readonly string[]): string[] {
  return words.map((word) => {
    const part = splitWord(word);
    return part && isSecretName(part.name) ? `${part.head}${part.name}=${REDACTED}` : word;
  });
}

/**
 * Compares a client's word with a recorded one: equal, or the same attribute / query with a
 * redacted value in the recording.
 */
export function sameWord(recorded: string, actual: string): boolean {
  if (recorded === actual) return true;
  const r = splitWord(recorded);
  if (!r || r.value !== REDACTED) return false;
  const a = splitWord(actual);
  return a !== undefined && a.head === r.head && a.name === r.name;
}

export function emptyRecording(source?: string, encoding: TextEncoding = 'utf8'): Recording {
  const recording: Recording = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    recordedAt: new Date().toISOString(),
    encoding,
    sentences: [],
  };
  if (source !== undefined) recording.source = source;
  return recording;
}

/** JSON with one sentence a line, so a recording reads and diffs well. */
export function serialiseRecording(recording: Recording): string {
  const { sentences, ...head } = recording;
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const lines = sentences.map((s) => `    ${JSON.stringify(s)}`);
  return `${top},\n  "sentences": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

function fail(message: string): never {
  throw new Error(`not a usable recording: ${message}`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((w) => typeof w === 'string');
}

/** Parses and checks a recording file's text; throws an Error that says what is wrong. */
export function parseRecording(text: string): Recording {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (typeof data !== 'object' || data === null) fail('not a JSON object');
  const r = data as Record<string, unknown>;
  if (r.format !== RECORDING_FORMAT) fail(`"format" must be "${RECORDING_FORMAT}"`);
  if (r.version !== RECORDING_VERSION) fail(`unsupported version ${String(r.version)}`);
  if (r.encoding !== undefined && (typeof r.encoding !== 'string' || !isTextEncoding(r.encoding))) {
    fail('"encoding" must be utf8 or win1252');
  }
  if (r.source !== undefined && typeof r.source !== 'string') fail('"source" must be text');
  if (!Array.isArray(r.sentences)) fail('"sentences" must be an array');
  const sentences = r.sentences.map((item: unknown, i): RecordedSentence => {
    const s = item as Partial<RecordedSentence> | null;
    if (typeof s !== 'object' || s === null) fail(`sentence ${i} is not an object`);
    if (!Number.isInteger(s.connection) || (s.connection as number) < 1) fail(`sentence ${i}: bad "connection"`);
    if (s.from !== 'client' && s.from !== 'router') fail(`sentence ${i}: "from" must be client or router`);
    if (!isStringArray(s.words) || s.words.length === 0) fail(`sentence ${i}: "words" must be non-empty text`);
    const at = typeof s.at === 'number' && Number.isFinite(s.at) ? s.at : 0;
    return { connection: s.connection as number, from: s.from, at, words: s.words };
  });
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    source: r.source as string | undefined,
    recordedAt: typeof r.recordedAt === 'string' ? r.recordedAt : undefined,
    encoding: (r.encoding as TextEncoding | undefined) ?? 'utf8',
    sentences,
  };
}
