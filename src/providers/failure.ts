/**
 * Provider code (mocks and live clients alike) fails by throwing a ProviderFailure; `settle` is the
 * one place that turns it into the `ok: false` result of SPEC 6, so `Providers.call` never throws
 * and every answer, value or message, passes through the same scrubbing, whole, before any cut.
 */
import type { Provider } from "../core";
import type { ProviderCall, ProviderResult } from "./types";

/** Longest message handed to task code; upstream bodies can be whole HTML pages. */
const MESSAGE_LIMIT = 500;

/** Longest wait a failure may ask for (a day, the retry policy's own cap), in seconds. */
export const MAX_RETRY_AFTER_S = 24 * 60 * 60;

export class ProviderFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds to wait before trying again. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ProviderFailure";
  }
}

/** Runs `work` for call `c` and turns its value or failure into a ProviderResult. */
export async function settle(
  c: Pick<ProviderCall, "provider" | "method">,
  work: () => unknown,
  scrub: (text: string) => string = (text) => text,
): Promise<ProviderResult> {
  try {
    const value = await work();
    // A JSON round trip: only JSON crosses the boundary, and results never alias mock state.
    const text = JSON.stringify(value === undefined ? null : value);
    const clean = scrub(text);
    if (clean === text) return { ok: true, value: JSON.parse(text) };
    // Redaction inside JSON text keeps it JSON unless a secret spanned its syntax: then withhold it.
    try {
      return { ok: true, value: JSON.parse(clean) };
    } catch {
      throw new ProviderFailure(502, "the answer held a secret that could not be removed from it, so it was withheld");
    }
  } catch (e) {
    const failure =
      e instanceof ProviderFailure
        ? e
        : // A bug in buddy, not upstream: 500 so the attempt is retried rather than lost.
          new ProviderFailure(500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    const error = {
      code: "PROVIDER_ERROR" as const,
      provider: c.provider as Provider,
      method: c.method,
      status: failure.status,
      message: clip(scrub(failure.message)),
      ...(failure.retryAfter === undefined ? {} : { retry_after: Math.min(MAX_RETRY_AFTER_S, failure.retryAfter) }),
    };
    return { ok: false, error };
  }
}

function clip(text: string): string {
  return text.length <= MESSAGE_LIMIT ? text : `${text.slice(0, MESSAGE_LIMIT - 1)}…`;
}
