export { connect, ConnectOptions, API_PORT, API_SSL_PORT } from './connect';
export {
  RouterOSClient,
  ClientOptions,
  CallOptions,
  CallResult,
  StreamOptions,
  StreamHandle,
  StreamEnd,
  oneshotReply,
} from './client';
export { buildCommandWords, checkTag, normaliseCommand, CommandParams, AttributeValue } from './command';
export {
  RouterOSError,
  TrapError,
  FatalError,
  ConnectError,
  ConnectionClosedError,
  TimeoutError,
  LoginError,
  InputError,
  ProtocolViolationError,
  TRAP_CATEGORIES,
  ERROR_CODES,
  RouterOSErrorCode,
  isErrorCode,
  waitingWillNotHelp,
} from './errors';
export { legacyResponse } from './login';
export { parseValue, parseRowValues, ParsedRow, ParsedValue } from './values';
export type { Attributes, TextEncoding } from '../protocol';
export {
  RouterOSSession,
  SessionOptions,
  SessionState,
  ManagedStream,
  ManagedStreamOptions,
  StreamEndReason,
} from './session';
export { Backoff, BackoffOptions } from './backoff';
export { isTextEncoding, TEXT_ENCODINGS } from '../protocol';
export { inspectChildren, parseInspectChildren, InspectItem, InspectKind, INSPECT_COMMAND } from './inspect';
export * from './fleet';
