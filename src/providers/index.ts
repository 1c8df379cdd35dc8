/**
 * Providers (SPEC 6): what task code reaches the outside world through. The sandbox exposes
 * `providers.<name>.<method>(…)` for the providers a task `uses` and forwards each call, as
 * JSON, to one `Providers` per run: `createMockProviders` in dry run, `createLiveProviders` with
 * `--live`. Before a live run starts, `checkProviderCredentials` says what is missing.
 */
export {
  PROVIDER_METHODS,
  isProviderMethod,
  type ProviderCall,
  type ProviderError,
  type ProviderMethod,
  type ProviderResult,
  type Providers,
  DEFAULT_ANSWER_LIMIT_BYTES,
} from "./types";
export { SEARCH_FILTERS, REQUIRED_CONTACT_FIELDS } from "./args";
export {
  checkProviderCredentials,
  isLiveMode,
  redact,
  REDACTED,
  REQUIRED_ENV,
  BASE_URL_ENV,
  SECRET_ENV,
  secretProblem,
  MPLOYER_LIVE_PROBLEM,
  type Env,
} from "./env";
export { FAULTS, type Fault } from "./mock/draw";
export { createMockProviders, MOCK_EPOCH_MS, type MockProvidersOptions } from "./mock";
export { MockStateSchema, type MockSnapshot } from "./mock/state";
export { MOCK_LIMITS, MOCK_FULL_STATUS } from "./mock/quota";
export { Redactor, MIN_SECRET_LENGTH, visible } from "./redact";
export { createLiveProviders, DEFAULT_REQUEST_TIMEOUT_MS, type LiveProvidersOptions } from "./live";
export { GHL_API_VERSION, GHL_DEFAULT_BASE_URL } from "./live/ghl";
export { GRAPH_DEFAULT_BASE_URL } from "./live/msgraph";
export { GRAPH_SCOPE } from "./live/token";
