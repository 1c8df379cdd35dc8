/**
 * The one way the live clients talk HTTP: a deadline on every request, the caller's abort
 * signal, and upstream failures turned into ProviderFailures with the status the retry policy
 * classifies (SPEC 4.4): a timeout is 408, an unreachable host 503, a 429 carries Retry-After as
 * `retry_after` seconds. Retrying itself is the run's job, not the client's.
 *
 * Bodies are read as a stream with a cap (the calling attempt's share of its memory): a body
 * past it is a 413 and the rest is never read, whatever Content-Length said. A body is decoded by
 * its declared charset before anything looks at it. An error body is redacted whole before it is
 * parsed, cut or quoted, and quoted only when it is UTF-8 text; a success body is redacted whole by
 * `settle`, once, as the answer the task gets (SPEC 6).
 */
import { MAX_RETRY_AFTER_S, ProviderFailure } from "../failure";
import { type Redactor, visible } from "../redact";

export interface HttpOptions {
  fetch: typeof fetch;
  /** Clock for HTTP-date Retry-After values. */
  now: () => number;
  /** Deadline of one request, body included. */
  timeoutMs: number;
  /** The service as named in messages ("GoHighLevel"). */
  label: string;
  /** Largest body read from upstream, in bytes. */
  bodyLimitBytes: number;
  /** Scrubs every text read from upstream of the run's secrets. */
  redactor: Redactor;
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
  /**
   * The success body carries a secret the caller consumes and never hands on (a token
   * endpoint's answer): it is not redacted. Error bodies always are.
   */
  secretAnswer?: true;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else its text; null when empty. */
  body: unknown;
  /** Length of the body as read, in UTF-16 units: what it costs in memory, for callers that gather pages. */
  size: number;
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
    const ok = res.status >= 200 && res.status < 300;
    const bytes = await readCapped(res, opts.bodyLimitBytes);
    const charset = charsetOf(res.headers.get("content-type"));
    if (ok) {
      if (bytes === undefined) throw tooLarge(opts);
      const text = decodeSuccess(opts, bytes, charset);
      return { status: res.status, headers: res.headers, body: parseBody(text), size: text.length };
    }
    // An error body past the cap is not quoted at all: a cut could leave part of a secret.
    const text = bytes === undefined ? undefined : quotable(bytes, charset);
    const details =
      bytes === undefined
        ? `a body over ${opts.bodyLimitBytes} bytes, not read`
        : text === undefined
          ? `a body that is not UTF-8 text${charset === "" ? "" : ` (charset ${JSON.stringify(opts.redactor.redact(charset))})`}, not shown`
          : visible(upstreamMessage(parseBody(opts.redactor.redact(text))));
    throw new ProviderFailure(
      res.status,
      `${opts.label} answered ${res.status}: ${details || visible(opts.redactor.redact(res.statusText)) || "no details"}`,
      parseRetryAfter(res.headers.get("retry-after"), opts.now(), opts.redactor),
    );
  } catch (e) {
    if (e instanceof ProviderFailure) throw e;
    if (timeout.aborted) throw new ProviderFailure(408, `${opts.label} did not answer within ${opts.timeoutMs} ms`);
    // 499, as nginx logs a request its client gave up on: not retried (the run is stopping).
    if (req.signal?.aborted) throw new ProviderFailure(499, `${opts.label} request cancelled`);
    const why = opts.redactor.redact(e instanceof Error ? e.message : String(e));
    throw new ProviderFailure(503, `could not reach ${opts.label} at ${hostOf(req.url)}: ${why}`);
  }
}

export const tooLarge = (opts: HttpOptions) =>
  new ProviderFailure(413, `${opts.label} answered with a body over ${opts.bodyLimitBytes} bytes, the task's share of its memory_mb for one answer; the rest was not read`);

/**
 * The body's bytes, or undefined when it is over `limit` bytes: then reading stops and the
 * stream is cancelled, so an endless or oversized body costs at most `limit` bytes.
 */
async function readCapped(res: Response, limit: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => {});
    return undefined;
  }
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Charsets read as UTF-8: none declared (JSON is UTF-8 by definition), UTF-8 itself, and ASCII, a subset. */
const UTF8_CHARSETS = new Set(["", "utf-8", "utf8", "unicode-1-1-utf-8", "us-ascii", "ascii"]);

/** The charset parameter of a Content-Type, lower case; "" when none. */
function charsetOf(contentType: string | null): string {
  const m = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType ?? "");
  return (m?.[2] ?? "").toLowerCase();
}

/**
 * A success body as text in its declared charset (UTF-16, Latin-1 and the others the WHATWG
 * Encoding Standard knows), so redaction sees the characters a reader would; a body that is not
 * valid in its charset, or in one unknown, is a 502 rather than a guess.
 */
function decodeSuccess(opts: HttpOptions, bytes: Buffer, charset: string): string {
  const label = UTF8_CHARSETS.has(charset) ? "utf-8" : charset;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label as ConstructorParameters<typeof TextDecoder>[0], { fatal: true });
  } catch {
    throw new ProviderFailure(502, `${opts.label} answered in a charset buddy cannot read`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ProviderFailure(502, `${opts.label} answered with a body that is not valid ${label === "utf-8" ? "UTF-8" : "text in its declared charset"}`);
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * An error body as text to quote, or undefined: only UTF-8 text is quoted (a UTF-16 body read as
 * UTF-8 would spell a secret with a NUL between its characters); the rest is said to be not shown.
 */
function quotable(bytes: Buffer, charset: string): string | undefined {
  if (!UTF8_CHARSETS.has(charset)) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
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

/**
 * The human part of an (already redacted) error body: GHL `message`, Graph `error.message`,
 * OAuth `error_description`. Long texts are cut only here, after redaction.
 */
function upstreamMessage(body: unknown): string {
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

/**
 * Retry-After in seconds: either delay-seconds or an HTTP date (RFC 9110 10.2.3), at most
 * MAX_RETRY_AFTER_S. A value that spells a secret (a token of digits echoed back) is ignored, and
 * the cap keeps any other number too short to carry one.
 */
function parseRetryAfter(value: string | null, now: number, redactor?: Redactor): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (redactor !== undefined && redactor.redact(text) !== text) return undefined;
  const seconds = /^\d+$/.test(text) ? Number(text) : Math.ceil((Date.parse(text) - now) / 1000);
  return Number.isNaN(seconds) ? undefined : Math.min(MAX_RETRY_AFTER_S, Math.max(0, seconds));
}

/** `base` + `path` + a query whose keys are sent as written (Graph's `$top` must stay `$top`). */
export function joinUrl(base: string, path: string, query: Record<string, string | number | undefined> = {}): string {
  const pairs = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return `${base.replace(/\/+$/, "")}${path}${pairs.length > 0 ? `?${pairs.join("&")}` : ""}`;
}
