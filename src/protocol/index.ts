export { ProtocolError } from './errors';
export {
  encodeLength,
  decodeLength,
  writeLength,
  lengthPrefixSize,
  MAX_ENCODABLE_LENGTH,
  DecodedLength,
} from './length';
export { encodeSentence, encodeRawSentence } from './encoder';
export { SentenceDecoder, RawSentence, DecoderOptions, DEFAULT_MAX_WORD_LENGTH, rawSentenceWords } from './decoder';
export { parseReply, setAttribute, Reply, ReplyType, Attributes } from './reply';
export { StringInterner, INTERN_MAX_LENGTH } from './intern';
export { TextEncoding, TEXT_ENCODINGS, isTextEncoding, decodeText, encodedByteLength, writeText } from './text';
