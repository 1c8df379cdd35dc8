/** The dry-run mocks: the originals' shapes, validation errors and stateful behaviour. */
import { describe, expect, test } from "bun:test";
import { createMockProviders, MOCK_EPOCH_MS, PROVIDER_METHODS, type Providers } from "../../src/providers";

const T0 = new Date(MOCK_EPOCH_MS).toISOString();

/** A caller that numbers its calls like one attempt of one task. */
function session(p: Providers, task_id = "t1", attempt = 1) {
  let seq = 0;
  return async (provider: string, method: string, ...args: unknown[]) =>
    p.call({ provider: provider as never, method, args, task_id, attempt, seq: seq++ });
}
const value = (r: Awaited<ReturnType<Providers["call"]>>) => {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r.value as any;
};
const quiet = () => createMockProviders({ seed: 7, errorRate: 0 });

describe("Mployer mock", () => {
  test("login, search, extract, add to GoHighLevel, logout", async () => {
    const p = quiet();
    const call = session(p);
    const login = value(await call("mployer", "login", { email: "me@example.com", password: "x" }));
    expect(login).toEqual({ success: true, message: "Logged in as me@example.com", session_id: expect.stringMatching(/^mock_session_\d{4}$/), timestamp: T0 });

    const found = value(await call("mployer", "searchContacts", { company: "Acme", state: "MD" }));
    expect(found.total_results).toBe(8); // max(3, 10 − 2 filters)
    expect(Object.keys(found.search_filters)).toHaveLength(11);
    expect(found.search_filters).toMatchObject({ company: "Acme", state: "MD", city: null });
    const person = found.contacts[0];
    expect(person).toMatchObject({ company: "Acme", location: { state: "MD", city: "San Francisco", country: "USA" } });
    expect(person.id).toMatch(/^contact_\d+$/);
    expect(person.email).toMatch(/^[a-z]+\.[a-z]+@acme\.example\.com$/);
    expect(typeof person.verified).toBe("boolean");

    const extracted = value(await call("mployer", "extractContacts", found));
    expect(extracted).toHaveLength(8);
    expect(extracted[0]).toEqual({
      mployer_id: person.id, first_name: person.first_name, last_name: person.last_name, email: person.email,
      phone: person.phone, company: "Acme", job_title: person.job_title, industry: "Technology",
      location: person.location, extraction_timestamp: T0,
    });

    const added = value(await call("mployer", "addToGoHighLevel", extracted));
    expect(added).toEqual({ success: true, added_count: 8, failed_count: 0, total_processed: 8, timestamp: T0 });
    const listed = value(await call("ghl", "listContacts", {}));
    expect(listed.total_count).toBe(8);
    expect(listed.contacts.map((c: any) => c.custom_field_mployer_id).sort()).toEqual(found.contacts.map((c: any) => c.id).sort());

    expect(value(await call("mployer", "logout"))).toEqual({ success: true, message: "Logged out successfully", timestamp: T0 });
    expect(value(await call("mployer", "extractContacts", found))).toEqual([]); // no session, as the original
  });

  test("the result count shrinks with the filters, never below 3", async () => {
    const call = session(quiet());
    await call("mployer", "login", { email: "a@b.co", password: "x" });
    const count = async (filters: object) => value(await call("mployer", "searchContacts", filters)).total_results;
    expect(await count({})).toBe(10);
    expect(await count({ skill: "payroll" })).toBe(9);
    expect(await count({ first_name: "A", last_name: "B", email: "a@b.co", phone: "1", company: "C", industry: "D", city: "E" })).toBe(3);
  });

  test("the same filters find the same people in any task; other filters find others", async () => {
    const p = quiet();
    const search = async (task: string, filters: object) => {
      const call = session(p, task);
      await call("mployer", "login", { email: "a@b.co", password: "x" });
      return value(await call("mployer", "searchContacts", filters)).contacts;
    };
    expect(await search("one", { company: "Acme" })).toEqual(await search("two", { company: "Acme" }));
    expect(await search("one", { company: "Acme" })).not.toEqual(await search("one", { company: "Acme", city: "Baltimore" }));
  });

  test("search needs the calling task's own session", async () => {
    const p = quiet();
    await session(p, "a")("mployer", "login", { email: "a@b.co", password: "x" });
    const r = await session(p, "b")("mployer", "searchContacts", {});
    expect(r).toEqual({ ok: false, error: { code: "PROVIDER_ERROR", provider: "mployer", method: "searchContacts", status: 401, message: "Not authenticated" } });
  });

  test("bad arguments are 400s that say what is wrong", async () => {
    const call = session(quiet());
    const error = async (...a: Parameters<typeof call>) => {
      const r = await call(...a);
      return r.ok ? null : r.error;
    };
    expect((await error("mployer", "login", { email: "a@b.co" }))?.message).toBe("Missing required fields: password");
    expect((await error("mployer", "searchContacts", { colour: "red" }))?.message).toMatch(/^Unknown search filter: colour/);
    expect((await error("mployer", "extractContacts", [1, 2]))?.status).toBe(400);
    expect((await error("mployer", "addToGoHighLevel", "everyone"))?.status).toBe(400);
  });
});

describe("GoHighLevel mock", () => {
  const alice = { first_name: "Alice", last_name: "Ng", email: "Alice@Example.com", phone: "+1-555-0100", company: "Acme" };

  test("create, get, search, update, list, delete", async () => {
    const call = session(quiet());
    const created = value(await call("ghl", "createContact", alice));
    expect(created).toEqual({
      success: true, contact_id: expect.stringMatching(/^ghl_contact_[a-z0-9]{12}$/), message: "Contact created successfully",
      data: { id: created.contact_id, ...alice, created_at: T0, updated_at: T0 }, timestamp: T0,
    });
    const id = created.contact_id;
    expect(value(await call("ghl", "getContact", id))).toEqual({ success: true, contact_id: id, data: created.data, timestamp: T0 });

    const byEmail = value(await call("ghl", "searchContact", { email: "alice@example.com" }));
    expect(byEmail).toMatchObject({ success: true, total_results: 1, search_criteria: { email: "alice@example.com", phone: null } });
    expect(value(await call("ghl", "searchContact", { phone: "+1 555 0100" })).total_results).toBe(1);
    // Unlike the original, nothing found is nothing (no invented "John Doe").
    expect(value(await call("ghl", "searchContact", { email: "bob@example.com" })).results).toEqual([]);
    expect(value(await call("ghl", "searchContact", {})).results).toEqual([]);

    const updated = value(await call("ghl", "updateContact", id, { job_title: "CFO", id: "stolen" }));
    expect(updated).toMatchObject({ success: true, contact_id: id, message: "Contact updated successfully", data: { id, job_title: "CFO", first_name: "Alice" } });

    value(await call("ghl", "createContact", { ...alice, email: "second@example.com" }));
    const page = value(await call("ghl", "listContacts", { limit: 1, skip: 1 }));
    expect(page).toMatchObject({ success: true, total_count: 2, returned_count: 1, pagination: { limit: 1, skip: 1, total: 2 } });

    const deleted = value(await call("ghl", "deleteContact", id));
    expect(deleted).toMatchObject({ success: true, contact_id: id, message: "Contact deleted successfully", data: { id } });
    const gone = await call("ghl", "getContact", id);
    expect(gone.ok ? null : gone.error).toMatchObject({ status: 404, message: `Contact not found: ${id}` });
    expect(value(await call("ghl", "testConnection"))).toEqual({ success: true, message: "Connection successful", api_version: "2.0", timestamp: T0 });
  });

  test("missing fields are a 400 naming them; unknown ids are 404s", async () => {
    const call = session(quiet());
    const r = await call("ghl", "createContact", { first_name: "A", email: "" });
    expect(r.ok ? null : r.error).toEqual({ code: "PROVIDER_ERROR", provider: "ghl", method: "createContact", status: 400, message: "Missing required fields: last_name, email" });
    for (const method of ["getContact", "deleteContact"]) {
      const miss = await call("ghl", method, "ghl_contact_nope");
      expect(miss.ok ? null : miss.error.status).toBe(404);
    }
    const upd = await call("ghl", "updateContact", "ghl_contact_nope", {});
    expect(upd.ok ? null : upd.error.status).toBe(404);
    const list = await call("ghl", "listContacts", { limit: 0 });
    expect(list.ok ? null : list.error.message).toBe("limit must be an integer from 1 to 100");
  });

  test("results are copies: changing one does not change the store", async () => {
    const p = quiet();
    const call = session(p);
    const created = value(await call("ghl", "createContact", alice));
    created.data.first_name = "Mallory";
    expect(value(await call("ghl", "getContact", created.contact_id)).data.first_name).toBe("Alice");
  });
});

describe("Microsoft Graph mock", () => {
  test("a seeded mailbox of 5 messages in Graph's names", async () => {
    const call = session(quiet());
    const inbox = value(await call("msgraph", "getMessages", {}));
    expect(inbox).toMatchObject({ success: true, total_count: 5, returned_count: 5, pagination: { limit: 10, skip: 0, total: 5 } });
    const m = inbox.messages[0];
    expect(Object.keys(m).sort()).toEqual(["body", "from", "hasAttachments", "id", "isRead", "receivedDateTime", "subject"]);
    expect(m.id).toMatch(/^msg_[a-z0-9]{12}$/);
    expect(m.subject).toMatch(/^(Project update|Meeting notes|Budget review|Action items|Weekly summary) #1$/);
    expect(m.body).toEqual({ contentType: "html", content: "<p>Mock email body 1</p>" });
    expect(m.receivedDateTime).toBe(new Date(MOCK_EPOCH_MS - 86_400_000).toISOString());
    expect(value(await call("msgraph", "getMessages", { filter: "body 3" })).total_count).toBe(1);
  });

  test("send, read, search, reply, delete", async () => {
    const call = session(quiet());
    const sent = value(await call("msgraph", "sendEmail", { to: ["a@example.com"], subject: "Hi", body: "<p>x</p>", cc: ["c@example.com"] }));
    expect(sent).toEqual({
      success: true, message_id: expect.stringMatching(/^msg_[a-z0-9]{12}$/), to_recipients: ["a@example.com"],
      cc_recipients: ["c@example.com"], bcc_recipients: [], subject: "Hi", sent_at: T0, status: "sent", timestamp: T0,
    });
    const [first] = value(await call("msgraph", "getMessages", { limit: 1 })).messages;
    const read = value(await call("msgraph", "readMessage", first.id));
    expect(read).toMatchObject({ success: true, message_id: first.id, message: { id: first.id, isRead: true } });
    const found = value(await call("msgraph", "searchMessages", "alice", 2));
    expect(found).toMatchObject({ success: true, query: "alice" });
    expect(found.results.length).toBe(found.total_results);
    const reply = value(await call("msgraph", "replyToMessage", first.id, "Thanks"));
    expect(reply).toEqual({ success: true, reply_id: expect.stringMatching(/^reply_[a-z0-9]{12}$/), parent_message_id: first.id, reply_body: "Thanks", sent_at: T0, timestamp: T0 });
    expect(value(await call("msgraph", "deleteMessage", first.id))).toMatchObject({ message_id: first.id, message: { id: first.id } });
    expect(value(await call("msgraph", "getMessages", {})).total_count).toBe(4);
    const again = await call("msgraph", "readMessage", first.id);
    expect(again.ok ? null : again.error).toMatchObject({ status: 404, message: `Message not found: ${first.id}` });
    expect(value(await call("msgraph", "testConnection"))).toMatchObject({ user_id: "mock_user", api_version: "v1.0" });
  });

  test("bad recipients are 400s", async () => {
    const call = session(quiet());
    for (const to of [[], "a@example.com", undefined, ["not an address"], [42]]) {
      const r = await call("msgraph", "sendEmail", { to, subject: "s", body: "b" });
      expect(r.ok ? null : r.error.status).toBe(400);
    }
    const r = await call("msgraph", "sendEmail", { to: [], subject: "s", body: "b" });
    expect(r.ok ? null : r.error.message).toBe("Invalid recipient list");
  });
});

describe("the call boundary", () => {
  test("unknown methods and providers are 400s; garbage never throws", async () => {
    const p = quiet();
    const r = await p.call({ provider: "ghl", method: "dropDatabase", args: [], task_id: "t", attempt: 1, seq: 0 });
    expect(r).toEqual({ ok: false, error: { code: "PROVIDER_ERROR", provider: "ghl", method: "dropDatabase", status: 400, message: 'ghl has no method "dropDatabase"' } });
    const inherited = await p.call({ provider: "ghl", method: "constructor", args: [], task_id: "t", attempt: 1, seq: 0 });
    expect(inherited.ok ? null : inherited.error.status).toBe(400);
    const unknown = await p.call({ provider: "stripe" as never, method: "charge", args: [], task_id: "t", attempt: 1, seq: 0 });
    expect(unknown.ok ? null : unknown.error.status).toBe(400);
    const notArray = await p.call({ provider: "ghl", method: "getContact", args: "x" as never, task_id: "t", attempt: 1, seq: 0 });
    expect(notArray.ok ? null : notArray.error.status).toBe(400);
  });

  test("every method of SPEC 6 is served", async () => {
    const p = quiet();
    for (const [provider, methods] of Object.entries(PROVIDER_METHODS)) {
      for (const method of methods) {
        const r = await p.call({ provider: provider as never, method, args: [], task_id: "t", attempt: 1, seq: 0 });
        // With no arguments some methods refuse (400) or find nothing (401 without a session), none is unknown.
        if (!r.ok) expect(r.error.message).not.toMatch(/has no method/);
      }
    }
  });
});
