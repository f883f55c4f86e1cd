export { ensure, Caller, EnsureResult, RunOptions } from './ensure';
export { EnsureOptions, DesiredEntry, checkDesired, parseKeys, parseRestrict, menuPath } from './input';
export { makePlan, planMoves, isDynamic, Plan } from './plan';
export { EnsureReport, UpdatedEntry, MovedEntry, diffLines } from './report';
export { canonical, sameValue, durationMs, wireValue, DesiredValue } from './values';
