/**
 * Providers (SPEC 6): what task code reaches the outside world through. The sandbox exposes
 * `providers.<name>.<method>(…)` for the providers a task `uses` and forwards each call, as
 * JSON, to one `Providers` per run: `createMockProviders` in dry run, `createLiveProviders` with
 * `--live`. Before a live run starts, `checkProviderCredentials` says what is missing.
 */
export {
  PROVIDER_METHODS,
  type ProviderCall,
  type ProviderResult,
  type Providers,
} from "./types";
export {
  checkProviderCredentials,
  isLiveMode,
  redact,
  REDACTED,
} from "./env";
export { FAULTS } from "./mock/draw";
export { createMockProviders, MOCK_EPOCH_MS } from "./mock";
export { MOCK_FULL_STATUS } from "./mock/quota";
export { Redactor } from "./redact";
export { createLiveProviders } from "./live";
