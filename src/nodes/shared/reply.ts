import type { NodeAPI, NodeMessage } from 'node-red';
import { Attributes, CallResult, oneshotReply, parseRowValues } from '../../client';

export interface ReplyShape {
  mode: 'oneshot' | 'array';
  split: boolean;
  parseValues: boolean;
}

/**
 * A command's result on the message, as the command node sends it: the first row (one-shot),
 * the rows as an array, or (split) one message per row with msg.parts, so a core join node
 * rebuilds the array. Like the core split node, a msg.parts the message already had is kept as
 * msg.parts.parts (a stack), which the join node puts back once it has rebuilt the array.
 * Returns the messages for one output: one message, or an array of them (split; may be empty).
 */
export function shapeReply(
  RED: NodeAPI,
  msg: NodeMessage,
  result: CallResult,
  shape: ReplyShape,
): NodeMessage | NodeMessage[] {
  const convert = (row: Attributes) => (shape.parseValues ? parseRowValues(row) : row);
  if (shape.mode === 'oneshot') {
    msg.payload = convert(oneshotReply(result));
    return msg;
  }
  const rows = shape.parseValues ? result.rows.map(convert) : result.rows;
  if (!shape.split) {
    msg.payload = rows;
    return msg;
  }
  const id = RED.util.generateId();
  const nested = Object.prototype.hasOwnProperty.call(msg, 'parts');
  // Each part is a deep copy of the message without its payload (the row is the payload, and
  // each row is already an object of its own), so the input's payload is not copied per row.
  const base: NodeMessage = { ...msg };
  delete base.payload;
  return rows.map((row, index) => {
    const part: NodeMessage = RED.util.cloneMessage(base);
    part.payload = row;
    const parts = { id, index, count: rows.length, type: 'array', len: 1 };
    part.parts = nested ? { parts: part.parts, ...parts } : parts;
    return part;
  });
}
