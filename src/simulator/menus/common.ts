import { CommandContext, Handler, Words, done, re } from '../context';
import { parseProplist, selectProperties } from '../proplist';
import { compileQuery } from '../query';
import { ChangeEvent, NO_SUCH_ITEM, RouterError, Table } from '../router';

/** Where a print gets its items: a table (which can also be followed) or a computed list. */
export type RowSource = (ctx: CommandContext) => ReadonlyArray<ReadonlyMap<string, string>>;

/** Sentences for a listen stream: the item's properties, or `.id` + `.dead` when it is gone. */
function changeSentence(event: ChangeEvent, proplist: readonly string[] | undefined): Words {
  if (event.kind === 'remove') return ['!re', `=.id=${event.id}`, '=.dead=true'];
  return re(selectProperties(event.row, proplist));
}

/** Streams a table's changes until cancelled (listen, print follow). */
function follow(ctx: CommandContext, table: string, initial: Words[]): void {
  const proplist = parseProplist(ctx.cmd.attrs.get('.proplist'));
  const onChange = (event: ChangeEvent): void => {
    if (event.table === table) stream.send(changeSentence(event, proplist));
  };
  const stream = ctx.stream(() => ctx.router.off('change', onChange));
  ctx.router.on('change', onChange);
  if (initial.length > 0) stream.send(...initial);
}

/**
 * `print` (and `getall`): queries, `.proplist`, `count-only`, `!empty` (or a bare `!done` with
 * the legacyEmpty fault), and `follow` / `follow-only` for tables.
 */
export function printHandler(source: RowSource, table?: string): Handler {
  return (ctx) => {
    const { attrs, queries } = ctx.cmd;
    const matches = compileQuery(queries);
    const rows = source(ctx).filter((row) => matches((name) => row.get(name)));
    if (attrs.has('count-only')) {
      ctx.reply(done(String(rows.length)));
      return;
    }
    const proplist = parseProplist(attrs.get('.proplist'));
    const sentences = rows.map((row) => re(selectProperties(row, proplist)));
    if (table && attrs.has('follow-only')) return follow(ctx, table, []);
    if (table && attrs.has('follow')) return follow(ctx, table, sentences);
    if (sentences.length === 0 && !ctx.faults.legacyEmpty) sentences.push(['!empty']);
    sentences.push(done());
    ctx.reply(...sentences);
  };
}

/** `listen` on a table; on menus without one it runs quietly until cancelled, as RouterOS allows. */
export function listenHandler(table?: string): Handler {
  return (ctx) => {
    if (table) follow(ctx, table, []);
    else ctx.stream(() => undefined);
  };
}

export function tableSource(table: (ctx: CommandContext) => Table): RowSource {
  return (ctx) => table(ctx).rows();
}

/** The items named by `.id` (or `numbers`), comma separated, each by `.id` or name. */
export function targetIds(ctx: CommandContext, table: Table): string[] {
  const list = ctx.cmd.attrs.get('.id') ?? ctx.cmd.attrs.get('numbers');
  if (list === undefined || list === '') throw new RouterError(NO_SUCH_ITEM);
  return list.split(',').map((one) => table.require(one.trim()).get('.id') as string);
}

/** The command's `=name=value` arguments minus the item selectors and API words. */
export function propertyArgs(ctx: CommandContext): Record<string, string> {
  const props: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of ctx.cmd.attrs) {
    if (k === '.id' || k === 'numbers' || k === '.proplist') continue;
    props[k] = v;
  }
  return props;
}

/** Refuses arguments outside `allowed` with RouterOS's `unknown parameter`. */
export function checkParameters(props: Record<string, string>, allowed: readonly string[]): void {
  for (const key of Object.keys(props)) {
    if (!allowed.includes(key)) throw new RouterError(`unknown parameter ${key}`);
  }
}
