/**
 * The live providers (SPEC 6, `--live`): GoHighLevel API v2 and Microsoft Graph v1.0 over fetch,
 * configured only from the environment. Mployer has no public API, so it is refused here too
 * (the run refuses it before starting: see `checkProviderCredentials`).
 */
import { iso, type Provider } from "../../core";
import { invoke, type MethodTable, parseCall } from "../args";
import { type Env, isSet, MPLOYER_LIVE_PROBLEM, REQUIRED_ENV, secretValues } from "../env";
import { ProviderFailure, settle } from "../failure";
import { Redactor } from "../redact";
import { DEFAULT_ANSWER_LIMIT_BYTES, type Providers } from "../types";
import { GHL_DEFAULT_BASE_URL, type GhlContext, ghlLive } from "./ghl";
import type { HttpOptions } from "./http";
import { GRAPH_DEFAULT_BASE_URL, type GraphContext, msgraphLive, tokenUrlFor } from "./msgraph";
import { createTokenSource, type TokenSource } from "./token";

/** Deadline of one upstream request unless `timeoutMs` says otherwise: generous for an API, short enough that a hung upstream cannot hold an attempt for long. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** A token endpoint's answer is a few KiB; more is not a token answer. */
const TOKEN_BODY_LIMIT_BYTES = 1024 * 1024;

export interface LiveProvidersOptions {
  /** Where credentials and base-URL overrides come from; only the CLI passes `process.env`. */
  env: Env;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock for token expiry, Retry-After dates and response timestamps. @default Date.now */
  now?: () => number;
  /** Deadline of each upstream request; a request past it fails with status 408. @default 10000 */
  timeoutMs?: number;
}

type LiveProvider = Exclude<Provider, "mployer">;

export function createLiveProviders(options: LiveProvidersOptions): Providers {
  const { env } = options;
  const now = options.now ?? Date.now;
  // One per run: the secrets of the environment, and every access token as it is issued.
  const redactor = new Redactor(secretValues(env));
  const http = (label: string, bodyLimitBytes: number): HttpOptions => ({
    fetch: options.fetch ?? globalThis.fetch,
    now,
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    label,
    bodyLimitBytes,
    redactor,
  });
  const value = (name: string) => env[name]!.trim();
  const override = (name: string, fallback: string) => (isSet(env, name) ? value(name) : fallback);
  // One token source per run: its cache is what spares a token request per call.
  let tokens: TokenSource | undefined;

  const contexts: { [P in LiveProvider]: (limit: number, signal?: AbortSignal) => GhlContext | GraphContext } = {
    ghl: (limit, signal) => ({
      http: http("GoHighLevel", limit),
      base: override("BUDDY_GHL_BASE_URL", GHL_DEFAULT_BASE_URL),
      token: value("GHL_API_TOKEN"),
      locationId: value("GHL_LOCATION_ID"),
      signal,
      timestamp: iso(now()),
    }),
    msgraph: (limit, signal) => {
      tokens ??= createTokenSource({
        http: http("Microsoft identity platform", TOKEN_BODY_LIMIT_BYTES),
        url: override("BUDDY_MSGRAPH_TOKEN_URL", tokenUrlFor(value("MSGRAPH_TENANT_ID"))),
        clientId: value("MSGRAPH_CLIENT_ID"),
        clientSecret: value("MSGRAPH_CLIENT_SECRET"),
      });
      return {
        http: http("Microsoft Graph", limit),
        base: override("BUDDY_MSGRAPH_BASE_URL", GRAPH_DEFAULT_BASE_URL),
        tokens,
        sender: value("MSGRAPH_SENDER"),
        signal,
        timestamp: iso(now()),
        newId: () => crypto.randomUUID(),
      };
    },
  };
  const tables: { [P in LiveProvider]: MethodTable<P, never> } = { ghl: ghlLive, msgraph: msgraphLive };

  return {
    call: (c, signal) =>
      settle(
        c,
        () => {
          // Before the arguments: whatever they are, this call cannot happen.
          if (c.provider === "mployer") throw new ProviderFailure(400, MPLOYER_LIVE_PROBLEM);
          const params = parseCall(c);
          const provider = c.provider as LiveProvider;
          // The run checks before it starts; this guards callers that did not.
          const missing = REQUIRED_ENV[provider].find((name) => !isSet(env, name));
          if (missing) throw new ProviderFailure(400, `${missing} is not set; --live needs it for ${provider}`);
          return invoke(tables[provider], c.method, params, contexts[provider](c.limit_bytes ?? DEFAULT_ANSWER_LIMIT_BYTES, signal));
        },
        // The last look at whatever goes back to the task, answers and messages alike.
        (text) => redactor.redact(text),
      ),
    snapshot: () => undefined,
  };
}
