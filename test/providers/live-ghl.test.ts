/** The live GoHighLevel client against a local fake: the exact requests, and every kind of answer. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createLiveProviders, createMockProviders, type ProviderResult, type Providers } from "../../src/providers";
import { shape } from "./shape";
import { fakeGhl, hang, status } from "./fakes";

const TOKEN = "ghl-test-token-8f3a";
let fake: ReturnType<typeof fakeGhl>;
let live: Providers;
let clock = Date.UTC(2025, 5, 1);
let seq = 0;

beforeEach(() => {
  fake = fakeGhl(TOKEN);
  live = createLiveProviders({
    env: { GHL_API_TOKEN: TOKEN, GHL_LOCATION_ID: "loc-1", BUDDY_GHL_BASE_URL: fake.url },
    now: () => clock,
    timeoutMs: 200,
  });
});
afterEach(() => fake.stop());

const call = (method: string, ...args: unknown[]) => live.call({ provider: "ghl", method, args, task_id: "t", attempt: 1, seq: seq++ });
const ok = (r: ProviderResult) => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as any;
};
const failure = (r: ProviderResult) => (r.ok ? null : r.error);
const alice = { first_name: "Alice", last_name: "Ng", email: "alice@example.com", phone: "+1-555-0100", company: "Acme", tags: ["vip"] };


describe("requests", () => {
  test("createContact: POST /contacts/ with bearer token, Version and a camelCase body with the location", async () => {
    const created = ok(await call("createContact", alice));
    expect(fake.seen).toHaveLength(1);
    const [req] = fake.seen;
    expect(req).toMatchObject({ method: "POST", path: "/contacts/", search: "" });
    expect(req!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      version: "2021-07-28",
      "content-type": "application/json",
      accept: "application/json",
    });
    expect(JSON.parse(req!.body)).toEqual({
      firstName: "Alice", lastName: "Ng", email: "alice@example.com", phone: "+1-555-0100", companyName: "Acme", tags: ["vip"], locationId: "loc-1",
    });
    expect(created).toMatchObject({
      success: true, contact_id: "c1", message: "Contact created successfully",
      data: { id: "c1", first_name: "Alice", company: "Acme", created_at: "2025-02-01T00:00:00.000Z", location_id: "loc-1" },
      timestamp: new Date(clock).toISOString(),
    });
  });

  test("the answers have the mocks' shapes", async () => {
    const mock = createMockProviders({ seed: 1, errorRate: 0 });
    const mockCall = (method: string, ...args: unknown[]) => mock.call({ provider: "ghl", method, args, task_id: "t", attempt: 1, seq: seq++ });
    const both = async (method: string, ...args: unknown[]) => [ok(await call(method, ...args)), ok(await mockCall(method, ...args))];
    const pick = (c: any) => ({ ...c, data: { id: c.data.id, first_name: c.data.first_name, email: c.data.email, company: c.data.company } });
    const [liveCreated, mockCreated] = await both("createContact", alice);
    expect(shape(pick(liveCreated))).toEqual(shape(pick(mockCreated)));
    for (const [method, args] of [["searchContact", [{ email: "alice@example.com" }]], ["listContacts", [{ limit: 5 }]], ["testConnection", []]] as const) {
      const [l, m] = await both(method, ...args);
      expect(Object.keys(l).sort()).toEqual(Object.keys(m).sort());
    }
    const l = ok(await call("getContact", liveCreated.contact_id));
    const m = ok(await mockCall("getContact", mockCreated.contact_id));
    expect(Object.keys(l).sort()).toEqual(Object.keys(m).sort());
  });

  test("searchContact: GET /contacts/?query=… keeping exact matches only; no criteria, no request", async () => {
    ok(await call("createContact", alice));
    ok(await call("createContact", { ...alice, email: "alice@example.com.au" }));
    const found = ok(await call("searchContact", { email: "ALICE@example.com" }));
    expect(fake.seen.at(-1)).toMatchObject({ method: "GET", path: "/contacts/", query: { locationId: "loc-1", query: "ALICE@example.com", limit: "100" } });
    expect(found).toMatchObject({ success: true, total_results: 1, search_criteria: { email: "ALICE@example.com", phone: null } });
    expect(found.results[0].email).toBe("alice@example.com");
    const before = fake.seen.length;
    expect(ok(await call("searchContact", {})).results).toEqual([]);
    expect(fake.seen.length).toBe(before);
  });

  test("get, update (PUT, no location), delete (read, then DELETE), and 404s in the mocks' words", async () => {
    const { contact_id } = ok(await call("createContact", alice));
    expect(ok(await call("getContact", contact_id)).data.email).toBe("alice@example.com");
    expect(fake.seen.at(-1)).toMatchObject({ method: "GET", path: "/contacts/c1" });

    const updated = ok(await call("updateContact", contact_id, { job_title: "CFO", id: "ignored", created_at: "x" }));
    expect(fake.seen.at(-1)).toMatchObject({ method: "PUT", path: "/contacts/c1" });
    expect(JSON.parse(fake.seen.at(-1)!.body)).toEqual({ jobTitle: "CFO" });
    expect(updated).toMatchObject({ contact_id: "c1", message: "Contact updated successfully", data: { job_title: "CFO", updated_at: "2025-02-02T00:00:00.000Z" } });

    const deleted = ok(await call("deleteContact", contact_id));
    expect(fake.seen.slice(-2).map((s) => `${s.method} ${s.path}`)).toEqual(["GET /contacts/c1", "DELETE /contacts/c1"]);
    expect(deleted).toMatchObject({ contact_id: "c1", message: "Contact deleted successfully", data: { email: "alice@example.com" } });
    expect(failure(await call("getContact", "c1"))).toMatchObject({ status: 404, message: "Contact not found: c1" });
  });

  test("listContacts reads past `skip` through startAfterId pages", async () => {
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${from + i}`, email: `p${from + i}@example.com` }));
    fake.next.push(
      () => Response.json({ contacts: page(1, 100), meta: { total: 130, startAfterId: "c100", startAfter: 1700000000000 } }),
      () => Response.json({ contacts: page(101, 20), meta: { total: 130, startAfterId: "c120", startAfter: 1700000000001 } }),
    );
    const listed = ok(await call("listContacts", { limit: 10, skip: 110 }));
    expect(fake.seen.map((s) => s.query)).toEqual([
      { locationId: "loc-1", limit: "100" },
      { locationId: "loc-1", limit: "20", startAfterId: "c100", startAfter: "1700000000000" },
    ]);
    expect(listed).toMatchObject({ total_count: 130, returned_count: 10, pagination: { limit: 10, skip: 110, total: 130 } });
    expect(listed.contacts.map((c: any) => c.id)).toEqual(page(111, 10).map((c) => c.id));
  });

  test("testConnection: one small GET", async () => {
    expect(ok(await call("testConnection"))).toMatchObject({ success: true, message: "Connection successful", api_version: "2.0" });
    expect(fake.seen).toMatchObject([{ method: "GET", path: "/contacts/", query: { locationId: "loc-1", limit: "1" } }]);
  });

  test("arguments are checked before anything is sent", async () => {
    expect(failure(await call("createContact", { first_name: "A" }))).toMatchObject({ status: 400, message: "Missing required fields: last_name, email" });
    expect(fake.seen).toHaveLength(0);
  });
});

describe("answers", () => {
  test("4xx: the status and upstream's message", async () => {
    fake.next.push(status(422, { statusCode: 422, message: ["email must be an email", "phone is invalid"] }));
    expect(failure(await call("createContact", alice))).toEqual({
      code: "PROVIDER_ERROR", provider: "ghl", method: "createContact", status: 422,
      message: "GoHighLevel answered 422: email must be an email; phone is invalid",
    });
  });

  test("429: retry_after from Retry-After, in seconds or as an HTTP date", async () => {
    fake.next.push(status(429, { message: "Too many requests" }, { "Retry-After": "7" }));
    expect(failure(await call("getContact", "c1"))).toMatchObject({ status: 429, retry_after: 7 });
    fake.next.push(status(429, { message: "Too many requests" }, { "Retry-After": new Date(clock + 90_000).toUTCString() }));
    expect(failure(await call("getContact", "c1"))).toMatchObject({ status: 429, retry_after: 90 });
    fake.next.push(status(429, { message: "Too many requests" }));
    expect(failure(await call("getContact", "c1"))?.retry_after).toBeUndefined();
  });

  test("5xx passes through", async () => {
    fake.next.push(status(502, "<html>Bad gateway</html>"));
    expect(failure(await call("testConnection"))).toMatchObject({ status: 502, message: "GoHighLevel answered 502: <html>Bad gateway</html>" });
  });

  test("a request past its deadline is a 408; an unreachable host a 503; a cancelled one a 499", async () => {
    fake.next.push(hang());
    expect(failure(await call("testConnection"))).toMatchObject({ status: 408, message: "GoHighLevel did not answer within 200 ms" });

    const controller = new AbortController();
    fake.next.push(hang());
    const pending = live.call({ provider: "ghl", method: "testConnection", args: [], task_id: "t", attempt: 1, seq: seq++ }, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(failure(await pending)?.status).toBe(499);

    fake.stop();
    const down = failure(await call("testConnection"));
    expect(down?.status).toBe(503);
    expect(down?.message).toStartWith(`could not reach GoHighLevel at ${new URL(fake.url).host}`);
  });

  test("the token never appears in a message, even when upstream echoes it", async () => {
    fake.next.push(status(401, { message: `token ${TOKEN} is not valid for location loc-1` }));
    const error = failure(await call("testConnection"));
    expect(error?.message).toBe("GoHighLevel answered 401: token [redacted] is not valid for location loc-1");
  });

  test("Mployer is refused, whatever the arguments", async () => {
    const r = await live.call({ provider: "mployer", method: "login", args: [], task_id: "t", attempt: 1, seq: 0 });
    expect(failure(r)).toMatchObject({ status: 400, message: expect.stringContaining("Mployer has no public API") });
  });
});
