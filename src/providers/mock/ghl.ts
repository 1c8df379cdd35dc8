/**
 * GoHighLevel mock (reference/providers.md 5.3): contacts in snake_case with success envelopes,
 * 400 on missing fields, 404 on unknown ids. Unlike the original, a search that finds nothing
 * returns nothing: the original made up a "John Doe", which the real API never does and which
 * would make every dedupe see a duplicate.
 */
import type { JsonObject, MethodTable } from "../args";
import { contactNotFound, ghlEnvelope, sameContact } from "../envelopes";
import type { MockContext } from "./context";
import { injectFault, uniqueId } from "./draw";
import { contactKey } from "./quota";
import { type Contact, contactList } from "./state";

/** Fields a caller cannot set: they belong to the store. */
const OWN_FIELDS = ["id", "created_at", "updated_at"];

function withoutOwnFields(data: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !OWN_FIELDS.includes(k)));
}

function find(ctx: MockContext, id: string): Contact {
  const contact = ctx.state.contacts.get(id);
  if (!contact) throw contactNotFound(id);
  return contact;
}

/**
 * Stores a new contact. Shared with Mployer's addToGoHighLevel, which went through the GHL mock
 * in the original too; `fault` is false when the dispatcher has already drawn this call's fault.
 */
export function storeContact(ctx: MockContext, data: JsonObject, fault: boolean): Contact {
  if (fault) injectFault("ghl.createContact", ctx.rng, ctx.errorScale);
  const id = uniqueId(ctx.rng, "ghl_contact_", (x) => ctx.state.contacts.has(x));
  const contact: Contact = { id, ...withoutOwnFields(data), created_at: ctx.timestamp, updated_at: ctx.timestamp };
  ctx.state.quota.set(contactKey(id), contact);
  ctx.state.contacts.set(id, contact);
  return contact;
}

/** Contacts as plain JSON objects for the envelopes (the state's type is wider than JSON). */
const json = (c: Contact) => c as unknown as JsonObject;

export const ghlMock: MethodTable<"ghl", MockContext> = {
  createContact: (data, ctx) => ghlEnvelope.created(json(storeContact(ctx, data, false)), ctx.timestamp),
  searchContact: (criteria, ctx) => {
    // Neither criterion: nothing, as in the original.
    const results = criteria.email || criteria.phone ? contactList(ctx.state).map(json).filter((c) => sameContact(c, criteria)) : [];
    return ghlEnvelope.searched(results, criteria, ctx.timestamp);
  },
  updateContact: ({ id, data }, ctx) => {
    const contact = find(ctx, id);
    const changes = { ...withoutOwnFields(data), updated_at: ctx.timestamp };
    ctx.state.quota.set(contactKey(id), { ...contact, ...changes });
    Object.assign(contact, changes);
    return ghlEnvelope.updated(json(contact), ctx.timestamp);
  },
  getContact: ({ id }, ctx) => ghlEnvelope.got(json(find(ctx, id)), ctx.timestamp),
  listContacts: (page, ctx) => {
    const all = contactList(ctx.state).map(json);
    return ghlEnvelope.listed(all.slice(page.skip, page.skip + page.limit), page, all.length, ctx.timestamp);
  },
  deleteContact: ({ id }, ctx) => {
    const contact = find(ctx, id);
    ctx.state.quota.set(contactKey(id), undefined);
    ctx.state.contacts.delete(id);
    return ghlEnvelope.deleted(json(contact), ctx.timestamp);
  },
  testConnection: (_, ctx) => ghlEnvelope.connected(ctx.timestamp),
};
