export { bankRoutes } from './routes.ts';
export {
  BankMatcher,
  bankMatcherOf,
  DEFAULT_FLOOD_RULE,
  DEFAULT_PDQ_RADIUS,
  recordMatches,
  startBankMatcher,
  type BankMatch,
  type FloodRule,
  type HashIndex,
  type PdqIndexFactory,
  type MatcherOptions,
  type MatchResult,
} from './matcher.ts';
export { SIGNAL_TYPES, type SignalType } from './schemas.ts';
export { bankExchangeRoutes } from './exchange-routes.ts';
export {
  decodeExchangeCursor,
  EXCHANGE_TOKEN_HEADER,
  exchangeSignature,
  parseGrantToken,
  signatureProblem,
  syncAllPartnerBanks,
  syncPartnerBank,
  type SyncReport,
} from './exchange.ts';
export { HmaClient, HmaError, lookupRemote, type HmaClientOptions, type HmaErrorKind, type HmaLookupMatch, type RemoteMatchOptions } from './hma-client.ts';
export { HmaSourceBody, matchEverywhere, MAX_REMOTE_QUERIES, RemoteSources, type RemoteEnv, type RemoteError, type RemoteResult } from './remote.ts';
export { hmaSourceRoutes } from './remote-routes.ts';
