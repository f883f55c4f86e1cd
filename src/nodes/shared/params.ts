import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { AttributeValue, CommandParams, InputError } from '../../client';

/** One configured attribute row: a name and a TypedInput value. */
export interface AttributeConfig {
  name: string;
  value: string;
  type: string;
}

/** The command-shaping properties shared by the command and listen nodes. */
export interface CommandConfig {
  command?: string;
  attributes?: AttributeConfig[];
  queries?: string[];
  proplist?: string;
}

const TYPED_INPUT_TYPES = new Set(['str', 'num', 'bool', 'msg', 'flow', 'global', 'env', 'jsonata']);

function evaluate(RED: NodeAPI, node: Node, attr: AttributeConfig, msg: NodeMessage): Promise<unknown> {
  const type = TYPED_INPUT_TYPES.has(attr.type) ? attr.type : 'str';
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(attr.value ?? '', type, node, msg, (err: Error | null, value: unknown) =>
      err ? reject(new InputError(`attribute "${attr.name}": ${err.message}`)) : resolve(value),
    );
  });
}

/**
 * Builds a command's parameters from the node's configuration and the message:
 * `msg.attributes` is merged over the configured attributes, `msg.queries` replaces the
 * configured queries, `msg.proplist` replaces the configured proplist. Values are checked by
 * the client when the command is built.
 */
export async function resolveParams(
  RED: NodeAPI,
  node: Node,
  config: CommandConfig,
  msg: NodeMessage,
): Promise<CommandParams> {
  const attributes: Record<string, AttributeValue | undefined> = {};
  for (const attr of config.attributes ?? []) {
    if (!attr || typeof attr.name !== 'string' || attr.name.trim() === '') continue;
    const value = await evaluate(RED, node, attr, msg);
    // A msg/flow/global property that is not set leaves the attribute out.
    if (value === undefined) continue;
    attributes[attr.name.trim()] = value as AttributeValue;
  }
  if (msg.attributes !== undefined) {
    if (msg.attributes === null || typeof msg.attributes !== 'object' || Array.isArray(msg.attributes)) {
      throw new InputError('msg.attributes must be an object of name → value');
    }
    Object.assign(attributes, msg.attributes);
  }
  const queries = msg.queries !== undefined ? msg.queries : (config.queries ?? []).filter((q) => q && q.trim());
  const proplist = msg.proplist !== undefined ? msg.proplist : config.proplist;
  return {
    attributes,
    queries: queries as string[],
    proplist: proplist as string | string[] | undefined,
  };
}

/** The node's command, or `msg.command` when the node's is empty. */
export function chooseCommand(configured: string | undefined, msg: NodeMessage): unknown {
  if (configured && configured.trim() !== '') return configured;
  if (msg.command === undefined) {
    throw new InputError('no command: set one in the node or send it as msg.command (e.g. "/interface/print")');
  }
  return msg.command;
}
