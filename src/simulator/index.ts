export { RouterOSSimulator } from './server';
export { RouterOSFleetSimulator, FleetSimulatorOptions, fleetRouterName, MAX_FLEET_ROUTERS } from './fleet';
export { SimulatorOptions, SimulatorFaults, TlsMaterial, ConnectionInfo, CommandEvent, defaultFaults } from './types';
export { SimRouter, Table, Row, ChangeEvent, RouterError } from './router';
export { createScriptedServer, ScriptedServer, ScriptStep, ScriptSentence, ScriptedServerOptions } from './scripted';
export { compileQuery, QueryError, QueryPredicate, PropertyLookup } from './query';
export { legacyResponse } from './login';
export { CERT_DIR, isLoopbackHost } from './transport';
export { parseCliArgs, runCli, USAGE } from './cli';
export { RecordingProxy, RecordOptions } from './record';
export { ReplayServer, ReplayOptions } from './replay';
export {
  Recording,
  RecordedSentence,
  REDACTED,
  parseRecording,
  serialiseRecording,
  redactWords,
  isSecretName,
} from './recording-format';
export { parseRecordArgs, parseReplayArgs, parseRouterAddress } from './recording-cli';
