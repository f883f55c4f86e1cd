import { ProtocolError, Reply } from '../protocol';
import { ConnectionClosedError, ProtocolViolationError, RouterOSError } from './errors';

/** Bytes of a peer's first answer kept to name a service that is not the RouterOS API. */
const PREVIEW_BYTES = 40;

/**
 * Tells a RouterOS API from another service on the port (a web or SSH server answering our
 * /login) before login succeeds, so the error says "not a RouterOS API" instead of "closed".
 */
export class PeerCheck {
  private preview = Buffer.alloc(0);
  private sawSentence = false;

  /** Keeps the first bytes, until a whole sentence has arrived. */
  observe(chunk: Buffer): void {
    if (this.sawSentence || this.preview.length >= PREVIEW_BYTES) return;
    this.preview = Buffer.concat([this.preview, chunk.subarray(0, PREVIEW_BYTES - this.preview.length)]);
  }

  /** A whole sentence arrived; before login, one that is no API reply means another service. */
  checkReply(reply: Reply, authenticated: boolean): void {
    this.sawSentence = true;
    if (reply.type === 'unknown' && !authenticated) {
      throw new ProtocolError(
        `the peer does not speak the RouterOS API (it sent "${reply.word.slice(0, 40)}")`,
        'ENOTROUTEROS',
      );
    }
  }

  /**
   * The peer hung up. If it sent bytes before login but never one whole sentence, say it is not
   * the RouterOS API rather than "closed".
   */
  explainClose(closed: ConnectionClosedError, authenticated: boolean): RouterOSError {
    if (authenticated || this.sawSentence || this.preview.length === 0) return closed;
    const sample = this.preview.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    return new ProtocolViolationError(`the peer is not a RouterOS API (it sent "${sample}")`, 'ENOTROUTEROS');
  }
}
