import { Attributes, CallOptions, CallResult, CommandParams, InputError, RouterOSError } from '../client';
import { Desired, EnsureOptions, checkDesired, menuPath } from './input';
import { Plan, PlannedMove, Slot, makePlan, planMoves } from './plan';
import { EnsureReport, MovedEntry, diffLines, emptyReport } from './report';

/** What ensure needs of a connection: a RouterOSSession or a RouterOSClient. */
export interface Caller {
  call(command: string, params?: CommandParams, options?: CallOptions): Promise<CallResult>;
}

export interface EnsureResult {
  report: EnsureReport;
  /** The report as readable lines (see diffLines). */
  diff: string[];
  /**
   * Set when the run stopped: a `!trap` part-way (the report holds exactly what was applied
   * before it) or a refusal by maxChanges (nothing was sent; the report is the dry run's).
   */
  error?: Error;
}

export interface RunOptions {
  /** Per call, as silence (see CallOptions.timeout). */
  timeout?: number;
  /** Most write commands in flight at once. Default 256. */
  window?: number;
}

const DEFAULT_WINDOW = 256;

/**
 * Makes the menu at `options.path` match `payload`: reads it (within `restrict`), works out the
 * changes, and unless this is a dry run or more changes are needed than allowed, applies them:
 * updates, then adds, then removals (each pipelined: many tagged commands in flight), then
 * moves. Bad input throws InputError before anything is sent; a failed read throws.
 */
export async function ensure(
  caller: Caller,
  payload: unknown,
  options: EnsureOptions,
  run: RunOptions = {},
): Promise<EnsureResult> {
  const path = menuPath(options.path);
  const desired = checkDesired(payload, options);
  const { maxChanges } = options;
  if (maxChanges !== undefined && !(Number.isInteger(maxChanges) && maxChanges >= 0)) {
    throw new InputError(`most changes must be a whole number of 0 or more, got ${String(maxChanges)}`);
  }
  const callOptions: CallOptions = run.timeout === undefined ? {} : { timeout: run.timeout };
  const rows = await read(caller, path, desired, options, callOptions);
  const plan = makePlan(desired, rows, options);
  const keepOrder = options.keepOrder && desired.kind === 'list';
  const keys = options.keys;

  const needed = plan.updates.length + plan.adds.length + plan.removes.length;
  const refused = maxChanges !== undefined && needed > maxChanges;
  if (options.dryRun || refused) {
    const report = predictedReport(plan, keepOrder);
    const result: EnsureResult = { report, diff: diffLines(report, keys) };
    if (refused) {
      result.error = new RouterOSError(
        `${path}: ${needed} changes needed, more than the ${maxChanges} allowed; nothing was changed`,
        'ELIMIT',
      );
    }
    return result;
  }

  const report = emptyReport(false);
  report.unchanged = plan.unchanged;
  const error = await apply(caller, path, plan, keepOrder, options.restrict, report, callOptions, run.window);
  report.changed = report.added.length + report.updated.length + report.removed.length + report.moved.length > 0;
  const result: EnsureResult = { report, diff: diffLines(report, keys) };
  if (error) result.error = error;
  return result;
}

/** Reads the entries, only the properties that matter (a 50,000-row table is read once, lean). */
async function read(
  caller: Caller,
  path: string,
  desired: Desired,
  options: EnsureOptions,
  callOptions: CallOptions,
): Promise<Attributes[]> {
  if (desired.kind === 'single') {
    const { rows } = await caller.call(`${path}/print`, {}, callOptions);
    if (rows.length !== 1 || rows[0]['.id'] !== undefined) {
      throw new InputError(
        `${path} is a list (it printed ${rows.length === 1 ? 'an entry with an .id' : `${rows.length} entries`}): set the keys that identify an entry`,
      );
    }
    return rows;
  }
  const names = new Set(['.id', 'dynamic', 'builtin', ...options.keys]);
  for (const entry of desired.entries) for (const name of Object.keys(entry)) names.add(name);
  const { rows } = await caller.call(`${path}/print`, { queries: options.restrict, proplist: [...names] }, callOptions);
  return rows;
}

/** The report of a dry run (or a refusal): what the plan would do. */
function predictedReport(plan: Plan, keepOrder: boolean): EnsureReport {
  const report = emptyReport(true);
  report.unchanged = plan.unchanged;
  report.updated = plan.updates.map((u) => withId(u.id, { key: u.key, before: u.before, after: u.after }));
  report.added = plan.adds.map((a) => ({ ...a.attributes }));
  report.removed = plan.removes.map((r) => ({ ...r.row }));
  if (keepOrder) {
    report.moved = planMoves(plan.expectedOrder, plan.order).map((m) =>
      movedEntry(m, (slot) => ('id' in slot ? slot.id : undefined)),
    );
  }
  report.changed = plan.updates.length + plan.adds.length + plan.removes.length + report.moved.length > 0;
  return report;
}

function withId<T extends object>(id: string | undefined, rest: T): T & { '.id'?: string } {
  return id === undefined ? rest : { '.id': id, ...rest };
}

function movedEntry(move: PlannedMove<Slot>, idOf: (slot: Slot) => string | undefined): MovedEntry {
  return withId(idOf(move.subject), {
    key: move.subject.key,
    before: move.before === undefined ? null : idOf(move.before),
    beforeKey: move.before === undefined ? null : move.before.key,
  });
}

/**
 * Runs `send` for every item with at most `window` in flight. After the first failure no new
 * item starts; those in flight finish. Returns the first failure. `send` records successes.
 */
async function pipeline<T>(
  items: readonly T[],
  window: number,
  send: (item: T, index: number) => Promise<void>,
): Promise<Error | undefined> {
  let next = 0;
  let failure: Error | undefined;
  async function lane(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await send(items[index], index);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, lane));
  return failure;
}

/** Keeps results in plan order whatever order the replies come in. */
function inOrder<T>(slots: Array<T | undefined>): T[] {
  return slots.filter((x): x is T => x !== undefined);
}

async function apply(
  caller: Caller,
  path: string,
  plan: Plan,
  keepOrder: boolean,
  restrict: readonly string[],
  report: EnsureReport,
  callOptions: CallOptions,
  window = DEFAULT_WINDOW,
): Promise<Error | undefined> {
  const updated: Array<EnsureReport['updated'][number] | undefined> = [];
  let error = await pipeline(plan.updates, window, async (u, i) => {
    const attributes = u.id === undefined ? u.after : { '.id': u.id, ...u.after };
    await caller.call(`${path}/set`, { attributes }, callOptions);
    updated[i] = withId(u.id, { key: u.key, before: u.before, after: u.after });
  });
  report.updated = inOrder(updated);
  if (error) return error;

  const addedIds: Array<string | undefined> = [];
  const added: Attributes[] = [];
  error = await pipeline(plan.adds, window, async (a, i) => {
    const result = await caller.call(`${path}/add`, { attributes: a.attributes }, callOptions);
    addedIds[i] = result.done.ret;
    added[i] = result.done.ret === undefined ? { ...a.attributes } : { '.id': result.done.ret, ...a.attributes };
  });
  report.added = inOrder(added);
  if (error) return error;

  const removed: Attributes[] = [];
  error = await pipeline(plan.removes, window, async (r, i) => {
    await caller.call(`${path}/remove`, { attributes: { '.id': r.id } }, callOptions);
    removed[i] = { ...r.row };
  });
  report.removed = inOrder(removed);
  if (error || !keepOrder) return error;

  return move(caller, path, plan, addedIds, restrict, report, callOptions);
}

/**
 * Puts the listed entries in the list's order. When entries were added, the order is read again
 * (`.id`s only) instead of assumed: where the router put them is its business.
 */
async function move(
  caller: Caller,
  path: string,
  plan: Plan,
  addedIds: ReadonlyArray<string | undefined>,
  restrict: readonly string[],
  report: EnsureReport,
  callOptions: CallOptions,
): Promise<Error | undefined> {
  const idOf = (slot: Slot): string | undefined => ('id' in slot ? slot.id : addedIds[slot.add]);
  const target = plan.order.map(idOf).filter((id): id is string => id !== undefined);
  let current = plan.expectedOrder.map(idOf).filter((id): id is string => id !== undefined);
  if (plan.adds.length > 0) {
    const listed = new Set(target);
    const { rows } = await caller.call(`${path}/print`, { queries: restrict, proplist: ['.id'] }, callOptions);
    current = rows.map((row) => row['.id']).filter((id) => listed.has(id));
  }
  const slotById = new Map<string, Slot>();
  for (const slot of plan.order) {
    const id = idOf(slot);
    if (id !== undefined) slotById.set(id, slot);
  }
  // One at a time: each move is placed relative to where the previous one put an entry.
  for (const m of planMoves(current, target)) {
    const attributes: Record<string, string> = { numbers: m.subject };
    if (m.before !== undefined) attributes.destination = m.before;
    try {
      await caller.call(`${path}/move`, { attributes }, callOptions);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
    const subject = slotById.get(m.subject) as Slot;
    const before = m.before === undefined ? undefined : (slotById.get(m.before) as Slot);
    report.moved.push(movedEntry({ subject, before }, idOf));
  }
  return undefined;
}
