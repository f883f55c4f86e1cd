import { ParsedCommand } from './command';
import { SimRouter } from './router';
import { SimulatorFaults } from './types';
import { Pairs } from './proplist';

/** A reply sentence as words, without its `.tag=` (the session adds that, second). */
export type Words = string[];

/** What a command handler may know about the session that sent the command. */
export interface SessionView {
  readonly id: number;
  readonly user: string | undefined;
  readonly remoteAddress: string;
}

/** A command that keeps running (listen, ping): it sends while active and ends by itself or by /cancel. */
export interface StreamHandle {
  /** Sends sentences (each its own write batch); ignored once the command has ended. */
  send(...sentences: Words[]): void;
  /** Ends the command by itself: sends these sentences, then `!done`. */
  finish(...sentences: Words[]): void;
  readonly active: boolean;
}

export interface CommandContext {
  readonly cmd: ParsedCommand;
  readonly router: SimRouter;
  readonly session: SessionView;
  readonly faults: SimulatorFaults;
  /** Sends a complete reply as one batch; the handler includes the final `!done`. */
  reply(...sentences: Words[]): void;
  /**
   * Makes this a running command that /cancel can stop. `onStop` runs when it is cancelled or
   * the session ends (clear timers and listeners there); the session sends the `!trap`/`!done`.
   */
  stream(onStop: () => void): StreamHandle;
}

export type Handler = (ctx: CommandContext) => void;

export function re(pairs: Pairs): Words {
  const words = ['!re'];
  for (const [k, v] of pairs) words.push(`=${k}=${v}`);
  return words;
}

export function done(ret?: string): Words {
  return ret === undefined ? ['!done'] : ['!done', `=ret=${ret}`];
}

export function trap(message: string, category?: number): Words {
  return category === undefined
    ? ['!trap', `=message=${message}`]
    : ['!trap', `=category=${category}`, `=message=${message}`];
}
