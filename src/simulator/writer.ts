import { Socket } from 'node:net';
import { TextEncoding, encodeSentence } from '../protocol';
import { SimulatorFaults } from './types';

type Item = { kind: 'batch'; buffers: Buffer[] } | { kind: 'fatal'; buffer: Buffer };

/**
 * The write path of one session. Sentences leave in the order they were sent, in batches (one
 * batch is one command's reply, or one stream update). Without faults a batch is written at once
 * (corked, so it costs one syscall); the fault switches are read per batch and per sentence, so a
 * test can flip them at any moment.
 */
export class SentenceWriter {
  private readonly socket: Socket;
  private readonly faults: () => SimulatorFaults;
  private readonly encoding: TextEncoding;
  private readonly queue: Item[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private pumping = false;
  private closed = false;

  constructor(socket: Socket, faults: () => SimulatorFaults, encoding: TextEncoding) {
    this.socket = socket;
    this.faults = faults;
    this.encoding = encoding;
  }

  /** Queues one batch of sentences (words, tag included). */
  send(sentences: readonly string[][]): void {
    if (this.closed || sentences.length === 0) return;
    this.queue.push({ kind: 'batch', buffers: sentences.map((words) => encodeSentence(words, this.encoding)) });
    void this.pump();
  }

  /** Queues `!fatal <message>` after everything already queued, then closes the connection. */
  fatal(message: string): void {
    if (this.closed) return;
    this.queue.push({ kind: 'fatal', buffer: encodeSentence(['!fatal', message], this.encoding) });
    void this.pump();
  }

  /** Stops writing for good (the socket is closing); pending delays are dropped. */
  dispose(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private get usable(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  // Runs synchronously until the first await, so with no faults a batch is on the socket before
  // send() returns and ordering needs no further care.
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.usable) {
        const item = this.queue.shift() as Item;
        if (item.kind === 'fatal') {
          if (!this.faults().stall) await this.write(item.buffer);
          this.closeGracefully();
          return;
        }
        const faults = this.faults();
        if (faults.dropMidReply && item.buffers.length >= 2 && !faults.stall) {
          faults.dropMidReply = false; // once, then resets
          this.dropMidway(item.buffers);
          return;
        }
        if (!faults.splitWrites && faults.replyDelayMs <= 0 && !faults.stall) {
          this.socket.cork();
          for (const buffer of item.buffers) this.socket.write(buffer);
          this.socket.uncork();
          continue;
        }
        for (const buffer of item.buffers) {
          const delay = this.faults().replyDelayMs;
          if (delay > 0) await this.sleep(delay);
          if (!this.usable) return;
          if (this.faults().stall) continue; // a half-open router: nothing gets through
          await this.write(buffer);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async write(buffer: Buffer): Promise<void> {
    if (!this.faults().splitWrites) {
      this.socket.write(buffer);
      return;
    }
    for (let i = 0; i < buffer.length; i++) {
      if (!this.usable) return;
      this.socket.write(buffer.subarray(i, i + 1));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The first sentence and half of the second, then the connection dies. */
  private dropMidway(buffers: Buffer[]): void {
    const second = buffers[1];
    const partial = Buffer.concat([buffers[0], second.subarray(0, Math.max(1, second.length >> 1))]);
    this.closed = true;
    this.socket.write(partial, () => this.socket.destroy());
  }

  private closeGracefully(): void {
    this.closed = true;
    this.socket.end(() => this.socket.destroy());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
