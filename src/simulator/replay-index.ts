/**
 * Turns a recording into what replay answers with: each command the client sent, paired with
 * the router's replies to it (by connection and tag, never by the tag's value alone), and how
 * the command ended.
 */
import { ParsedCommand, parseCommand } from './command';
import { Recording, sameWord } from './recording-format';

/**
 * How a recorded command ended: `done` (its `!done` came), `stream` (it was still running when
 * it was cancelled or the recording stopped: replay keeps it open until /cancel), or `fatal`
 * (the router answered `!fatal` and closed the connection).
 */
export type Ending = 'done' | 'stream' | 'fatal';

export interface Exchange {
  /** The command as recorded (secrets redacted). */
  command: ParsedCommand;
  /** The router's replies in order, as recorded (tag word included where the router put it). */
  replies: string[][];
  ending: Ending;
}

export interface ReplayIndex {
  /** Commands grouped by what they asked (path, attributes, queries), in recording order. */
  groups: Exchange[][];
  /** The recorded router answered /login with a `=ret=` challenge (RouterOS before 6.43). */
  legacyLogin: boolean;
}

/** Commands replay answers by itself rather than from the recording. */
const SESSION_COMMANDS = new Set(['/login', '/cancel', '/quit']);

interface Open {
  tag: string | undefined;
  exchange: Exchange | undefined; // undefined for /login, /cancel, /quit: their replies are not replayed
  isLogin: boolean;
  cancelled: boolean;
}

function tagOf(words: readonly string[]): string | undefined {
  const word = words.find((w) => w.startsWith('.tag='));
  return word === undefined || word === '.tag=' ? undefined : word.slice(5);
}

/** `path`, attributes in name order and queries in order: equal keys ask the same thing. */
export function commandKey(command: ParsedCommand): string {
  const attrs = [...command.attrs.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify([command.path, attrs, command.queries]);
}

/** A client's command against a recorded one: same path, attributes and queries (redacted values match any). */
export function sameCommand(recorded: ParsedCommand, actual: ParsedCommand): boolean {
  if (recorded.path !== actual.path || recorded.attrs.size !== actual.attrs.size) return false;
  if (recorded.queries.length !== actual.queries.length) return false;
  for (const [name, value] of recorded.attrs) {
    const other = actual.attrs.get(name);
    if (other === undefined || !sameWord(`=${name}=${value}`, `=${name}=${other}`)) return false;
  }
  return recorded.queries.every((q, i) => sameWord(`?${q}`, `?${actual.queries[i]}`));
}

export function buildReplayIndex(recording: Recording): ReplayIndex {
  const byKey = new Map<string, Exchange[]>();
  const openByConnection = new Map<number, Open[]>();
  let legacyLogin = false;

  for (const sentence of recording.sentences) {
    const open = openByConnection.get(sentence.connection) ?? [];
    openByConnection.set(sentence.connection, open);
    const words = sentence.words;
    if (sentence.from === 'client') {
      const command = parseCommand(words);
      if (command.path === '/cancel') {
        const target = command.attrs.get('tag');
        for (const entry of open) {
          if (entry.exchange && (target === undefined || entry.tag === target)) entry.cancelled = true;
        }
      }
      if (SESSION_COMMANDS.has(command.path)) {
        open.push({ tag: command.tag, exchange: undefined, isLogin: command.path === '/login', cancelled: false });
        continue;
      }
      const exchange: Exchange = { command, replies: [], ending: 'stream' };
      const key = commandKey(command);
      const group = byKey.get(key) ?? [];
      group.push(exchange);
      byKey.set(key, group);
      open.push({ tag: command.tag, exchange, isLogin: false, cancelled: false });
      continue;
    }
    if (words[0] === '!fatal') {
      // Untagged and final: it answers the last command this connection sent.
      const last = open[open.length - 1];
      if (last?.exchange) {
        last.exchange.replies.push(words);
        last.exchange.ending = 'fatal';
      }
      open.length = 0;
      continue;
    }
    const tag = tagOf(words);
    const index = open.findIndex((entry) => entry.tag === tag);
    if (index < 0) continue; // a reply to nothing recorded (the recording began mid-session)
    const entry = open[index];
    const isDone = words[0] === '!done';
    if (entry.isLogin && isDone && words.some((w) => w.startsWith('=ret='))) legacyLogin = true;
    if (isDone) open.splice(index, 1);
    const exchange = entry.exchange;
    if (!exchange) continue;
    // A cancelled command's interruption and end are replayed at the replay's own /cancel.
    if (entry.cancelled && (isDone || words[0] === '!trap')) continue;
    exchange.replies.push(words);
    if (isDone) exchange.ending = 'done';
  }
  return { groups: [...byKey.values()], legacyLogin };
}

/** The recorded `.tag=` word replaced by the client's tag (added second, or removed). */
export function retag(words: readonly string[], tag: string | undefined): string[] {
  const at = words.findIndex((w) => w.startsWith('.tag='));
  if (tag === undefined) return at < 0 ? [...words] : words.filter((_, i) => i !== at);
  const out = [...words];
  if (at < 0) out.splice(1, 0, `.tag=${tag}`);
  else out[at] = `.tag=${tag}`;
  return out;
}
