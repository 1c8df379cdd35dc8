/**
 * The provider layer's contract (SPEC 6). Task code calls `providers.<name>.<method>(…)`; the
 * sandbox turns each call into a `ProviderCall` of JSON values and hands it to one `Providers`
 * value per run: the in-process mocks (dry run) or the live HTTP clients. Both answer with the
 * same shapes, so a task cannot tell the modes apart except by what really happens upstream.
 */
import type { Provider } from "../core";

/** Exactly the methods of SPEC 6, per provider; anything else is refused with status 400. */
export const PROVIDER_METHODS = {
  mployer: ["login", "searchContacts", "extractContacts", "addToGoHighLevel", "logout"],
  ghl: [
    "createContact",
    "searchContact",
    "updateContact",
    "getContact",
    "listContacts",
    "deleteContact",
    "testConnection",
  ],
  msgraph: [
    "sendEmail",
    "getMessages",
    "readMessage",
    "searchMessages",
    "deleteMessage",
    "replyToMessage",
    "testConnection",
  ],
} as const satisfies Record<Provider, readonly string[]>;

export type ProviderMethod<P extends Provider = Provider> = (typeof PROVIDER_METHODS)[P][number];

/** One call from task code, with the coordinates that make mock draws reproducible. */
export interface ProviderCall {
  provider: Provider;
  method: string;
  /** The call's arguments, as JSON values. */
  args: unknown[];
  task_id: string;
  /** 1-based attempt number of the task. */
  attempt: number;
  /** 0-based index of this call within the attempt. */
  seq: number;
  /**
   * Largest answer the calling attempt can take, in bytes (its share of memory_mb, see
   * `answerLimitBytes`); upstream bodies over it are not read. @default DEFAULT_ANSWER_LIMIT_BYTES
   */
  limit_bytes?: number;
}

/** The answer limit of an attempt at the default memory_mb (64 MiB). */
export const DEFAULT_ANSWER_LIMIT_BYTES = 16 * 1024 * 1024;

/** How a provider call fails, as task code sees the rejection (SPEC 6). */
interface ProviderError {
  code: "PROVIDER_ERROR";
  provider: Provider;
  method: string;
  /** HTTP-like status; 408, 429 and ≥ 500 are retried (SPEC 4.4). */
  status: number;
  message: string;
  /** Seconds the provider asked to wait before trying again (429s). */
  retry_after?: number;
}

export type ProviderResult = { ok: true; value: unknown } | { ok: false; error: ProviderError };

export interface Providers {
  /** Runs one call. Never throws: every failure is an `ok: false` result. */
  call(c: ProviderCall, signal?: AbortSignal): Promise<ProviderResult>;
  /** JSON-serialisable mock state (contacts, mailbox, sessions) to store with the run; undefined for live. */
  snapshot(): unknown;
}

export function isProviderMethod<P extends Provider>(provider: P, method: string): method is ProviderMethod<P> {
  return (PROVIDER_METHODS[provider] as readonly string[]).includes(method);
}
