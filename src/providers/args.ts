/**
 * Argument checking shared by both modes, so a malformed call gets the same 400 whether it runs
 * against the mocks or upstream. Messages follow the original mocks ("Missing required fields:
 * …", "Invalid recipient list") where they had one.
 */
import { PROVIDERS, type Provider } from "../core";
import { ProviderFailure } from "./failure";
import { isProviderMethod, type ProviderCall, type ProviderMethod } from "./types";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The Mployer search filters of SPEC 6; the original search took exactly these. */
export const SEARCH_FILTERS = [
  "first_name",
  "last_name",
  "email",
  "phone",
  "company",
  "industry",
  "city",
  "state",
  "country",
  "job_title",
  "skill",
] as const;
export type SearchFilters = Partial<Record<(typeof SEARCH_FILTERS)[number], string>>;

/** The original GHL mock refused a contact without these. */
export const REQUIRED_CONTACT_FIELDS = ["first_name", "last_name", "email"] as const;
/** GHL API v2 pages at most 100 contacts. */
export const MAX_PAGE = 100;

interface Params {
  mployer: {
    login: { email: string; password: string };
    searchContacts: SearchFilters;
    extractContacts: { contacts: JsonObject[] };
    addToGoHighLevel: JsonObject[];
    logout: null;
  };
  ghl: {
    createContact: JsonObject;
    searchContact: { email?: string; phone?: string };
    updateContact: { id: string; data: JsonObject };
    getContact: { id: string };
    listContacts: { limit: number; skip: number };
    deleteContact: { id: string };
    testConnection: null;
  };
  msgraph: {
    sendEmail: { to: string[]; cc: string[]; bcc: string[]; subject: string; body: string };
    getMessages: { limit: number; skip: number; filter?: string };
    readMessage: { id: string };
    searchMessages: { query: string; limit: number };
    deleteMessage: { id: string };
    replyToMessage: { id: string; body: string };
    testConnection: null;
  };
}

/** A table of per-method functions over checked parameters, one per provider. */
export type MethodTable<P extends Provider, Ctx> = {
  [M in keyof Params[P]]: (params: Params[P][M], ctx: Ctx) => unknown;
};

// Params must name exactly the methods of PROVIDER_METHODS: this fails to compile otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const paramsMatchMethods: { [P in Provider]: Same<keyof Params[P], ProviderMethod<P>> } = {
  mployer: true,
  ghl: true,
  msgraph: true,
};
void paramsMatchMethods;

const bad = (message: string): never => {
  throw new ProviderFailure(400, message);
};

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

function object(v: unknown, what: string, optional = false): JsonObject {
  if (v === undefined && optional) return {};
  return isObject(v) ? v : bad(`${what} must be an object`);
}

function id(v: unknown, what = "id"): { id: string } {
  return typeof v === "string" && v.trim() !== "" ? { id: v } : bad(`${what} must be a non-empty string`);
}

function optionalString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === "string" ? v : bad(`${key} must be a string`);
}

function count(v: unknown, key: string, fallback: number, min: number, max: number): number {
  if (v === undefined || v === null) return fallback;
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max
    ? (v as number)
    : bad(`${key} must be an integer from ${min} to ${max}`);
}

function requireFields(o: JsonObject, fields: readonly string[]): void {
  const missing = fields.filter((f) => o[f] === undefined || o[f] === null || o[f] === "");
  if (missing.length > 0) bad(`Missing required fields: ${missing.join(", ")}`);
}

/** Something with one @ and no spaces: enough to catch a name or an empty string, not to validate mail. */
const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function recipients(v: unknown, key: string, required: boolean): string[] {
  if (v === undefined || v === null) return required ? bad("Invalid recipient list") : [];
  if (!Array.isArray(v) || (required && v.length === 0)) return bad(`Invalid recipient list`);
  for (const r of v) if (typeof r !== "string" || !ADDRESS.test(r)) bad(`Invalid recipient in ${key}: ${JSON.stringify(r)}`);
  return v as string[];
}

const PARSERS: { [P in Provider]: { [M in keyof Params[P]]: (a: unknown[]) => Params[P][M] } } = {
  mployer: {
    login: (a) => {
      const o = object(a[0], "credentials");
      requireFields(o, ["email", "password"]);
      return { email: optionalString(o, "email")!, password: optionalString(o, "password")! };
    },
    searchContacts: (a) => {
      const o = object(a[0], "filters", true);
      const filters: SearchFilters = {};
      for (const key of Object.keys(o)) {
        if (!(SEARCH_FILTERS as readonly string[]).includes(key)) {
          bad(`Unknown search filter: ${key} (known: ${SEARCH_FILTERS.join(", ")})`);
        }
        const v = optionalString(o, key);
        if (v !== undefined && v !== "") filters[key as keyof SearchFilters] = v;
      }
      return filters;
    },
    extractContacts: (a) => {
      const o = object(a[0], "searchResult");
      const contacts = o.contacts;
      if (!Array.isArray(contacts) || !contacts.every(isObject)) {
        bad("searchResult must be a result of searchContacts (an object with a contacts array)");
      }
      return { contacts: contacts as JsonObject[] };
    },
    addToGoHighLevel: (a) =>
      Array.isArray(a[0]) && a[0].every(isObject) ? (a[0] as JsonObject[]) : bad("contacts must be an array of objects"),
    logout: () => null,
  },
  ghl: {
    createContact: (a) => {
      const data = object(a[0], "contact data");
      requireFields(data, REQUIRED_CONTACT_FIELDS);
      return data;
    },
    searchContact: (a) => {
      const o = object(a[0], "search criteria", true);
      const email = optionalString(o, "email");
      const phone = optionalString(o, "phone");
      return { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
    },
    updateContact: (a) => ({ ...id(a[0], "contact id"), data: object(a[1], "update data") }),
    getContact: (a) => id(a[0], "contact id"),
    listContacts: (a) => {
      const o = object(a[0], "options", true);
      return { limit: count(o.limit, "limit", 50, 1, MAX_PAGE), skip: count(o.skip, "skip", 0, 0, 1_000_000) };
    },
    deleteContact: (a) => id(a[0], "contact id"),
    testConnection: () => null,
  },
  msgraph: {
    sendEmail: (a) => {
      const o = object(a[0], "email");
      return {
        to: recipients(o.to, "to", true),
        cc: recipients(o.cc, "cc", false),
        bcc: recipients(o.bcc, "bcc", false),
        subject: optionalString(o, "subject") ?? "",
        body: optionalString(o, "body") ?? "",
      };
    },
    getMessages: (a) => {
      const o = object(a[0], "options", true);
      const filter = optionalString(o, "filter");
      return {
        limit: count(o.limit, "limit", 10, 1, MAX_PAGE),
        skip: count(o.skip, "skip", 0, 0, 1_000_000),
        ...(filter ? { filter } : {}),
      };
    },
    readMessage: (a) => id(a[0], "message id"),
    searchMessages: (a) => {
      if (typeof a[0] !== "string" || a[0].trim() === "") bad("query must be a non-empty string");
      return { query: a[0] as string, limit: count(a[1], "limit", 20, 1, MAX_PAGE) };
    },
    deleteMessage: (a) => id(a[0], "message id"),
    replyToMessage: (a) => {
      if (typeof a[1] !== "string") bad("reply body must be a string");
      return { ...id(a[0], "message id"), body: a[1] as string };
    },
    testConnection: () => null,
  },
};

/** The checked parameters of call `c`, or a 400 ProviderFailure naming what is wrong. */
export function parseCall(c: Pick<ProviderCall, "provider" | "method" | "args">): unknown {
  if (!(PROVIDERS as readonly string[]).includes(c.provider)) bad(`Unknown provider: ${String(c.provider)}`);
  if (!isProviderMethod(c.provider, c.method)) {
    bad(`${c.provider} has no method ${JSON.stringify(c.method)}`);
  }
  if (!Array.isArray(c.args)) bad("arguments must be an array");
  const parsers = PARSERS[c.provider] as Record<string, (a: unknown[]) => unknown>;
  return parsers[c.method]!(c.args);
}

/** Calls the table's function for `c.method` with checked parameters. */
export function invoke<Ctx>(table: object, method: string, params: unknown, ctx: Ctx): unknown {
  return (table as Record<string, (p: unknown, ctx: Ctx) => unknown>)[method]!(params, ctx);
}
