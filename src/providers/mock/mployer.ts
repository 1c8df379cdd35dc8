/**
 * Mployer mock (reference/providers.md 5.2). A login opens a session for the calling task; search
 * and extraction need it. Search results are a pure function of the run seed and the filters, so
 * two tasks (or two attempts) searching alike find the same people, and a later wave can search
 * again to reconcile with what an earlier one stored.
 */
import { createRng, deriveSeed } from "../../core";
import { type JsonObject, type MethodTable, REQUIRED_CONTACT_FIELDS, SEARCH_FILTERS, type SearchFilters } from "../args";
import { ProviderFailure } from "../failure";
import type { MockContext } from "./context";
import { chance, digits, MPLOYER_ADD_FAILURE_RATE, pick } from "./draw";
import { storeContact } from "./ghl";
import { MOCK_FULL_STATUS, sessionKey } from "./quota";

const FIRST = ["Ava", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Keira", "Liam",
  "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wes", "Zoe"];
const LAST = ["Adams", "Brooks", "Chen", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Ito", "Jensen", "Khan", "Lopez",
  "Morgan", "Nguyen", "Okafor", "Patel", "Reyes", "Schmidt", "Turner", "Usman", "Vogel", "Walsh", "Young", "Zhang"];
const COMPANIES = ["Acme Logistics", "Bluebird Health", "Cedar Analytics", "Delta Foods", "Evergreen Retail",
  "Fulcrum Energy", "Granite Builders", "Harbor Finance"];
const TITLES = ["Manager", "Head of HR", "Benefits Manager", "HR Director", "Operations Manager", "CFO"];

/** The original's count rule: fewer results the more filters are set, never fewer than 3. */
const resultCount = (filters: SearchFilters) => Math.max(3, 10 - Object.keys(filters).length);

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "company";

/** Person `i` of a search: drawn from the seed and the filters only; set filters override fields. */
function person(ctx: MockContext, filters: SearchFilters, i: number): JsonObject {
  const key = JSON.stringify(SEARCH_FILTERS.map((f) => filters[f] ?? null));
  const rng = createRng(deriveSeed(ctx.seed, "mployer", "person", key, i));
  const first_name = filters.first_name ?? pick(rng, FIRST);
  const last_name = filters.last_name ?? pick(rng, LAST);
  const company = filters.company ?? pick(rng, COMPANIES);
  return {
    id: `contact_${digits(rng, 8)}`,
    first_name,
    last_name,
    email: filters.email ?? `${slug(first_name)}.${slug(last_name)}@${slug(company)}.example.com`,
    phone: filters.phone ?? `+1-555-${digits(rng, 4)}`,
    company,
    job_title: filters.job_title ?? pick(rng, TITLES),
    industry: filters.industry ?? "Technology",
    location: { city: filters.city ?? "San Francisco", state: filters.state ?? "CA", country: filters.country ?? "USA" },
    verified: rng.next() < 0.75,
    last_updated: ctx.timestamp,
  };
}

const hasSession = (ctx: MockContext) => ctx.state.sessions.has(ctx.call.task_id);

export const mployerMock: MethodTable<"mployer", MockContext> = {
  login: ({ email }, ctx) => {
    const session_id = `mock_session_${1000 + (ctx.rng.nextU32() % 9000)}`;
    ctx.state.quota.set(sessionKey(ctx.call.task_id), session_id);
    ctx.state.sessions.set(ctx.call.task_id, session_id);
    return { success: true, message: `Logged in as ${email}`, session_id, timestamp: ctx.timestamp };
  },
  searchContacts: (filters, ctx) => {
    if (!hasSession(ctx)) throw new ProviderFailure(401, "Not authenticated");
    const contacts = Array.from({ length: resultCount(filters) }, (_, i) => person(ctx, filters, i + 1));
    const search_filters = Object.fromEntries(SEARCH_FILTERS.map((f) => [f, filters[f] ?? null]));
    return { success: true, total_results: contacts.length, contacts, search_filters, timestamp: ctx.timestamp };
  },
  // The original returned an empty list, not an error, without a session.
  extractContacts: ({ contacts }, ctx) =>
    !hasSession(ctx)
      ? []
      : contacts.map((c) => ({
          mployer_id: c.id ?? null,
          first_name: c.first_name ?? null,
          last_name: c.last_name ?? null,
          email: c.email ?? null,
          phone: c.phone ?? null,
          company: c.company ?? null,
          job_title: c.job_title ?? null,
          industry: c.industry ?? null,
          location: c.location ?? null,
          extraction_timestamp: ctx.timestamp,
        })),
  addToGoHighLevel: (contacts, ctx) => {
    let added = 0;
    for (const c of contacts) {
      // The original dropped 5 % unseen, then counted whatever the GHL mock refused as failed.
      if (chance(ctx.rng, MPLOYER_ADD_FAILURE_RATE, ctx.errorScale)) continue;
      const data = {
        first_name: c.first_name ?? null,
        last_name: c.last_name ?? null,
        email: c.email ?? null,
        phone: c.phone ?? null,
        company: c.company ?? null,
        custom_field_mployer_id: c.mployer_id ?? c.id ?? null,
      };
      if (REQUIRED_CONTACT_FIELDS.some((f) => data[f] === null || data[f] === "")) continue; // GHL's 400
      try {
        storeContact(ctx, data, true);
        added++;
      } catch (e) {
        // A full mock is the call's answer, not one more contact counted as failed.
        if (!(e instanceof ProviderFailure) || e.status === MOCK_FULL_STATUS) throw e;
      }
    }
    const failed_count = contacts.length - added;
    return { success: true, added_count: added, failed_count, total_processed: contacts.length, timestamp: ctx.timestamp };
  },
  logout: (_, ctx) => {
    ctx.state.quota.set(sessionKey(ctx.call.task_id), undefined);
    ctx.state.sessions.delete(ctx.call.task_id);
    return { success: true, message: "Logged out successfully", timestamp: ctx.timestamp };
  },
};
