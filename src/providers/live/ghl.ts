/**
 * GoHighLevel API v2 over fetch, on the original client's paths (reference/providers.md 5.6):
 * `POST /contacts/`, `GET|PUT|DELETE /contacts/{id}`, `GET /contacts/?query=…` for search and
 * list, every call with `Authorization: Bearer`, `Version: 2021-07-28` and the location id.
 */
import { type JsonObject, type MethodTable, MAX_PAGE } from "../args";
import { contactNotFound, ghlEnvelope, sameContact } from "../envelopes";
import { ProviderFailure } from "../failure";
import { type HttpOptions, joinUrl, send, tooLarge } from "./http";
import { ghlContactBody, ghlContactFromApi } from "./shapes";

export const GHL_DEFAULT_BASE_URL = "https://services.leadconnectorhq.com";
const GHL_API_VERSION = "2021-07-28";

export interface GhlContext {
  http: HttpOptions;
  base: string;
  token: string;
  locationId: string;
  signal?: AbortSignal;
  timestamp: string;
}

type Query = Record<string, string | number | undefined>;

async function request(ctx: GhlContext, method: "GET" | "POST" | "PUT" | "DELETE", path: string, query?: Query, json?: unknown, sizes?: { read: number }) {
  const res = await send(ctx.http, {
    method,
    url: joinUrl(ctx.base, path, query),
    headers: { Authorization: `Bearer ${ctx.token}`, Version: GHL_API_VERSION },
    json,
    signal: ctx.signal,
  });
  // Pages gathered for one answer share its cap: a large `skip` must not pile up the whole CRM.
  if (sizes && (sizes.read += res.size) > ctx.http.bodyLimitBytes) throw tooLarge(ctx.http);
  return (res.body ?? {}) as Record<string, unknown>;
}

const contactPath = (id: string) => `/contacts/${encodeURIComponent(id)}`;

/** Runs `work`, turning upstream's 404 into the mock's "Contact not found: <id>". */
async function byId<T>(id: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw e instanceof ProviderFailure && e.status === 404 ? contactNotFound(id) : e;
  }
}

/** The contact of a `{contact: …}` answer, with its id even when upstream left it out. */
function contactOf(body: Record<string, unknown>, id?: string): JsonObject {
  const contact = ghlContactFromApi(body.contact);
  if (contact.id === undefined && id !== undefined) contact.id = id;
  if (typeof contact.id !== "string") throw new ProviderFailure(502, "GoHighLevel answered without a contact id");
  return contact;
}

/**
 * The first `want` contacts (plus the total), following `startAfterId` pages: API v2 has no
 * offset, so `skip` is served by reading past the skipped contacts.
 */
async function firstContacts(ctx: GhlContext, want: number, query?: string) {
  const contacts: JsonObject[] = [];
  let total: number | undefined;
  let after: { id?: string; at?: string | number } = {};
  const sizes = { read: 0 };
  while (contacts.length < want) {
    const body = await request(ctx, "GET", "/contacts/", {
      locationId: ctx.locationId,
      query,
      limit: Math.min(MAX_PAGE, want - contacts.length),
      startAfterId: after.id,
      startAfter: after.at,
    }, undefined, sizes);
    const page = Array.isArray(body.contacts) ? body.contacts : [];
    contacts.push(...page.map(ghlContactFromApi));
    const meta = (body.meta ?? {}) as Record<string, unknown>;
    if (typeof meta.total === "number") total = meta.total;
    if (page.length === 0 || typeof meta.startAfterId !== "string") break;
    after = { id: meta.startAfterId, at: meta.startAfter as string | number | undefined };
  }
  return { contacts, total: total ?? contacts.length };
}

export const ghlLive: MethodTable<"ghl", GhlContext> = {
  createContact: async (data, ctx) => {
    const body = await request(ctx, "POST", "/contacts/", undefined, { ...ghlContactBody(data), locationId: ctx.locationId });
    return ghlEnvelope.created(contactOf(body), ctx.timestamp);
  },
  searchContact: async (criteria, ctx) => {
    const query = criteria.email ?? criteria.phone;
    if (!query) return ghlEnvelope.searched([], criteria, ctx.timestamp);
    // Upstream search is free text; keep the exact matches, as the mock does.
    const { contacts } = await firstContacts(ctx, MAX_PAGE, query);
    return ghlEnvelope.searched(contacts.filter((c) => sameContact(c, criteria)), criteria, ctx.timestamp);
  },
  updateContact: ({ id, data }, ctx) =>
    byId(id, async () => {
      const body = await request(ctx, "PUT", contactPath(id), undefined, ghlContactBody(data));
      return ghlEnvelope.updated(contactOf(body, id), ctx.timestamp);
    }),
  getContact: ({ id }, ctx) =>
    byId(id, async () => ghlEnvelope.got(contactOf(await request(ctx, "GET", contactPath(id)), id), ctx.timestamp)),
  listContacts: async (page, ctx) => {
    const { contacts, total } = await firstContacts(ctx, page.skip + page.limit);
    return ghlEnvelope.listed(contacts.slice(page.skip, page.skip + page.limit), page, total, ctx.timestamp);
  },
  // Read first, so the answer carries the deleted contact as the mock's does.
  deleteContact: ({ id }, ctx) =>
    byId(id, async () => {
      const contact = contactOf(await request(ctx, "GET", contactPath(id)), id);
      await request(ctx, "DELETE", contactPath(id));
      return ghlEnvelope.deleted(contact, ctx.timestamp);
    }),
  testConnection: async (_, ctx) => {
    await request(ctx, "GET", "/contacts/", { locationId: ctx.locationId, limit: 1 });
    return ghlEnvelope.connected(ctx.timestamp);
  },
};
