/**
 * Microsoft identity platform client-credentials tokens for Graph: fetched on first use, cached
 * until shortly before they expire, shared by concurrent calls (one request, not one per call).
 * Every token issued joins the run's redactor before it is used: it is as secret as the client
 * secret that bought it.
 */
import { secretProblem } from "../env";
import { ProviderFailure } from "../failure";
import { type HttpOptions, send } from "./http";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** Tokens are renewed this long before `expires_in` says, so none expires on its way upstream. */
const EXPIRY_MARGIN_S = 60;
/** When the endpoint omits `expires_in`: short, so a wrong guess costs little. */
const DEFAULT_EXPIRES_IN_S = 300;

export interface TokenSource {
  /** A valid access token, from the cache when it has one. */
  get(): Promise<string>;
  /** Forgets `token` after upstream refused it (401), so the next call fetches a new one. */
  invalidate(token: string): void;
  /** Every token handed out so far. */
  issued(): readonly string[];
}

export interface TokenSourceOptions {
  http: HttpOptions;
  url: string;
  clientId: string;
  clientSecret: string;
}

export function createTokenSource(o: TokenSourceOptions): TokenSource {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const issued: string[] = [];

  async function fetchToken(): Promise<string> {
    // No caller signal: the request is shared, and one caller giving up must not fail the others.
    const res = await send(o.http, {
      method: "POST",
      url: o.url,
      secretAnswer: true,
      form: {
        grant_type: "client_credentials",
        client_id: o.clientId,
        client_secret: o.clientSecret,
        scope: GRAPH_SCOPE,
      },
    });
    const body = (res.body ?? {}) as Record<string, unknown>;
    const token = body.access_token;
    if (typeof token !== "string" || token === "") {
      throw new ProviderFailure(502, `${o.http.label} token endpoint answered without an access_token`);
    }
    // A token too short to redact is not used at all, and not added: it would redact every answer.
    if (secretProblem(token) !== undefined) {
      throw new ProviderFailure(502, `${o.http.label} token endpoint issued an access token too short to be kept out of outputs`);
    }
    // Before anything else can quote it.
    o.http.redactor.add(token);
    issued.push(token);
    const expiresIn = typeof body.expires_in === "number" ? body.expires_in : Number(body.expires_in) || DEFAULT_EXPIRES_IN_S;
    const margin = Math.min(EXPIRY_MARGIN_S, expiresIn / 2);
    cached = { token, expiresAt: o.http.now() + (expiresIn - margin) * 1000 };
    return token;
  }

  return {
    get() {
      if (cached && o.http.now() < cached.expiresAt) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
    issued: () => issued,
  };
}
