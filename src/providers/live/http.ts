/**
 * The one way the live clients talk HTTP: a deadline on every request, the caller's abort
 * signal, and upstream failures turned into ProviderFailures with the status the retry policy
 * classifies (SPEC 4.4): a timeout is 408, an unreachable host 503, a 429 carries Retry-After as
 * `retry_after` seconds. Retrying itself is the run's job, not the client's.
 */
import { ProviderFailure } from "../failure";

export interface HttpOptions {
  fetch: typeof fetch;
  /** Clock for HTTP-date Retry-After values. */
  now: () => number;
  /** Deadline of one request, body included. */
  timeoutMs: number;
  /** The service as named in messages ("GoHighLevel"). */
  label: string;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else its text; null when empty. */
  body: unknown;
}

/** Sends `req`; resolves on 2xx, throws a ProviderFailure otherwise. */
export async function send(opts: HttpOptions, req: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  const headers: Record<string, string> = { Accept: "application/json", ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(req.json);
  } else if (req.form !== undefined) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(req.form).toString();
  }
  try {
    // redirect "manual": an API that redirects is misconfigured, and following could carry the token elsewhere.
    const res = await opts.fetch(req.url, { method: req.method, headers, body, signal, redirect: "manual" });
    const parsed = parseBody(await res.text());
    if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, body: parsed };
    throw new ProviderFailure(
      res.status,
      `${opts.label} answered ${res.status}: ${upstreamMessage(parsed) || res.statusText || "no details"}`,
      parseRetryAfter(res.headers.get("retry-after"), opts.now()),
    );
  } catch (e) {
    if (e instanceof ProviderFailure) throw e;
    if (timeout.aborted) throw new ProviderFailure(408, `${opts.label} did not answer within ${opts.timeoutMs} ms`);
    // 499, as nginx logs a request its client gave up on: not retried (the run is stopping).
    if (req.signal?.aborted) throw new ProviderFailure(499, `${opts.label} request cancelled`);
    const why = e instanceof Error ? e.message : String(e);
    throw new ProviderFailure(503, `could not reach ${opts.label} at ${hostOf(req.url)}: ${why}`);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an invalid URL";
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The human part of an error body: GHL `message`, Graph `error.message`, OAuth `error_description`. */
export function upstreamMessage(body: unknown): string {
  if (typeof body === "string") return body.replace(/\s+/g, " ").trim().slice(0, 300);
  if (typeof body !== "object" || body === null) return "";
  const b = body as Record<string, unknown>;
  const error = b.error;
  if (typeof error === "object" && error !== null) {
    const { code, message } = error as Record<string, unknown>;
    return [code, message].filter((x) => typeof x === "string").join(": ");
  }
  if (typeof b.error_description === "string") return `${String(b.error ?? "")}: ${b.error_description}`.replace(/^: /, "");
  if (Array.isArray(b.message)) return b.message.filter((x) => typeof x === "string").join("; ");
  if (typeof b.message === "string") return b.message;
  if (typeof error === "string") return error;
  return JSON.stringify(body).slice(0, 300);
}

/** Retry-After in seconds: either delay-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** `base` + `path` + a query whose keys are sent as written (Graph's `$top` must stay `$top`). */
export function joinUrl(base: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const pairs = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return `${base.replace(/\/+$/, "")}${path}${pairs.length > 0 ? `?${pairs.join("&")}` : ""}`;
}
