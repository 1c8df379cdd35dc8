/**
 * What a provider call's answer becomes before it enters the guest: JSON text of `{ok: true,
 * value}` or `{ok: false, error}` with exactly SPEC 6's error fields (code "PROVIDER_ERROR",
 * provider, method, status, message, retry_after?). The guest reads `ok`, `value` and `error`
 * as own properties of the parsed text, so all three are always present where they belong.
 *
 * The answer comes from our own main process, so this is a second look, not a parser of hostile
 * input: it keeps a malformed or oversized answer from reaching the guest as anything but a
 * provider error, and keeps host text other than the provider's message out of it.
 */
import { cap } from "./classify";
import { utf8Length } from "./text";
import type { SandboxHost } from "./types";

export interface CallCoordinates {
  provider: string;
  method: string;
}

/**
 * The largest answer an attempt of `memoryMb` takes: a quarter of its memory, so an answer and
 * its parsed copy fit beside the task's own data. Providers read upstream bodies with this cap too.
 */
export const answerLimitBytes = (memoryMb: number) => (Math.max(1, memoryMb) * 1024 * 1024) / 4;

/**
 * The host of an attempt run without one: every call fails, as it would with no providers. The
 * in-process sandbox and the executor pool both answer with it.
 */
export const NO_PROVIDERS_HOST: SandboxHost = {
  call: async (provider, method) =>
    JSON.stringify(failure({ provider, method }, 403, "no providers are available to this attempt")),
};

/** The answer to a call its host failed to answer (it threw, or gave no text). */
export const unansweredCall = (call: CallCoordinates): string =>
  JSON.stringify(failure(call, 500, "the provider call failed before it was answered"));

/**
 * The envelope for `text`, the host's answer (undefined when the host failed to give one). An
 * answer whose text exceeds `limitBytes` is refused rather than copied into the task's capped
 * memory (sandbox-notes 2.3): it fails with 413, which is not retried.
 */
export function answerEnvelope(text: string | undefined, call: CallCoordinates, limitBytes: number): string {
  if (text === undefined) return unansweredCall(call);
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  const a = (typeof answer === "object" && answer !== null ? answer : {}) as Record<string, unknown>;
  let envelope: string;
  if (a.ok === true) envelope = JSON.stringify({ ok: true, value: a.value ?? null });
  else if (a.ok === false && typeof a.error === "object" && a.error !== null) envelope = JSON.stringify(errorOf(a.error as Record<string, unknown>, call));
  else envelope = JSON.stringify(failure(call, 502, "the provider answered with something that is not a provider result"));
  if (utf8Length(envelope) > limitBytes) {
    return JSON.stringify(failure(call, 413, "the provider's answer is too large for the task's memory limit"));
  }
  return envelope;
}

function errorOf(e: Record<string, unknown>, call: CallCoordinates) {
  const status = typeof e.status === "number" && Number.isInteger(e.status) && e.status >= 100 && e.status < 600 ? e.status : 502;
  const message = typeof e.message === "string" ? e.message : "the provider call failed";
  const retryAfter = typeof e.retry_after === "number" && Number.isFinite(e.retry_after) && e.retry_after >= 0 ? e.retry_after : undefined;
  return failure(call, status, message, retryAfter);
}

function failure(call: CallCoordinates, status: number, message: string, retry_after?: number) {
  const error: Record<string, unknown> = { code: "PROVIDER_ERROR", provider: call.provider, method: call.method, status, message: cap(message) };
  if (retry_after !== undefined) error.retry_after = retry_after;
  return { ok: false, error };
}
