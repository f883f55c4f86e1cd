/**
 * The byte stream broke the RouterOS word/sentence rules (a reserved control byte, a word longer
 * than the configured maximum, ...). The stream cannot be resynchronised after one of these, so
 * the connection that produced it must be closed.
 */
export class ProtocolError extends Error {
  readonly code: string;
  constructor(message: string, code = 'EPROTOCOL') {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
