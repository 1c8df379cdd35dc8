/**
 * Translation between the mocks' shapes, which task code sees in both modes (SPEC 6), and the
 * real APIs': GoHighLevel contacts are camelCase upstream and snake_case here; Graph messages
 * keep Graph's names in both (the original mock used them), trimmed to the mock's fields.
 */
import type { Json, JsonObject } from "../args";

/** Fields whose names differ by more than case. */
const GHL_RENAMES: ReadonlyArray<readonly [snake: string, camel: string]> = [
  ["company", "companyName"],
  ["created_at", "dateAdded"],
  ["updated_at", "dateUpdated"],
];
/** Fields the store owns: never sent in a create or an update. */
const READ_ONLY = new Set(["id", "created_at", "updated_at"]);

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const toCamel = (key: string) => GHL_RENAMES.find(([s]) => s === key)?.[1] ?? camel(key);
const toSnake = (key: string) => GHL_RENAMES.find(([, c]) => c === key)?.[0] ?? snake(key);

/** A contact as task code gives it → the GHL API v2 request body (top-level keys only). */
export function ghlContactBody(data: JsonObject): JsonObject {
  const body: JsonObject = {};
  for (const [k, v] of Object.entries(data)) if (!READ_ONLY.has(k)) body[toCamel(k)] = v;
  return body;
}

/** A GHL API v2 contact → the mock's snake_case contact. */
export function ghlContactFromApi(contact: unknown): JsonObject {
  const out: JsonObject = {};
  if (typeof contact !== "object" || contact === null) return out;
  for (const [k, v] of Object.entries(contact)) out[toSnake(k)] = v as Json;
  return out;
}

/** The message fields the mock mailbox has, in Graph's names. */
export const MESSAGE_FIELDS = ["id", "subject", "from", "body", "receivedDateTime", "isRead", "hasAttachments"] as const;

export function graphMessage(message: unknown): JsonObject {
  const m = (typeof message === "object" && message !== null ? message : {}) as Record<string, Json>;
  return Object.fromEntries(MESSAGE_FIELDS.map((f) => [f, m[f] ?? null]));
}

/** Graph recipients from plain addresses. */
export const graphRecipients = (addresses: readonly string[]) => addresses.map((address) => ({ emailAddress: { address } }));

/** HTML when the body has a tag, so a plain summary is not rendered as one run-on line. */
export const contentType = (body: string) => (/<[a-z][^>]*>/i.test(body) ? "HTML" : "Text");
