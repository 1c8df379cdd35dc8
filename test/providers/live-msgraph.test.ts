/** The live Microsoft Graph client against a local fake: tokens, exact requests, every kind of answer. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createLiveProviders, createMockProviders, type ProviderResult, type Providers } from "../../src/providers";
import { fakeGraph, type GraphFake, hang, status } from "./fakes";

const SECRET = "graph-client-secret-77Q~x";
const SENDER = "bot@example.com";
const USER = "/v1.0/users/bot%40example.com";
let fake: GraphFake;
let live: Providers;
let clock = Date.UTC(2025, 5, 1);
let seq = 0;

/** A fresh fake and client; `accepts` is the secret the fake's token endpoint takes. */
function setup(expiresIn?: number, accepts = SECRET) {
  fake?.stop();
  fake = fakeGraph({ clientId: "client-1", secret: accepts, sender: SENDER, expiresIn });
  live = createLiveProviders({
    env: {
      MSGRAPH_TENANT_ID: "tenant",
      MSGRAPH_CLIENT_ID: "client-1",
      MSGRAPH_CLIENT_SECRET: SECRET,
      MSGRAPH_SENDER: SENDER,
      BUDDY_MSGRAPH_BASE_URL: fake.base,
      BUDDY_MSGRAPH_TOKEN_URL: fake.tokenUrl,
    },
    now: () => clock,
    timeoutMs: 200,
  });
}
beforeEach(() => setup());
afterEach(() => fake.stop());

const call = (method: string, ...args: unknown[]) => live.call({ provider: "msgraph", method, args, task_id: "t", attempt: 1, seq: seq++ });
const ok = (r: ProviderResult) => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as any;
};
const failure = (r: ProviderResult) => (r.ok ? null : r.error);
const tokenRequests = () => fake.seen.filter((s) => s.path.endsWith("/token"));
const route = (i: number) => `${fake.seen.at(i)!.method} ${fake.seen.at(i)!.path}`;

describe("tokens", () => {
  test("a client-credentials token request comes first, and its token is the bearer", async () => {
    ok(await call("testConnection"));
    expect(fake.seen).toHaveLength(2);
    const [token, graph] = fake.seen;
    expect(token).toMatchObject({ method: "POST", path: "/tenant/oauth2/v2.0/token" });
    expect(token!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: "client_credentials",
      client_id: "client-1",
      client_secret: SECRET,
      scope: "https://graph.microsoft.com/.default",
    });
    expect(graph).toMatchObject({ method: "GET", path: USER, search: "?$select=id%2Cmail%2CuserPrincipalName" });
    expect(graph!.headers.authorization).toBe("Bearer graph-token-1");
  });

  test("is cached until shortly before it expires, and shared by concurrent calls", async () => {
    setup(600);
    await Promise.all([call("testConnection"), call("testConnection"), call("getMessages", {})]);
    ok(await call("testConnection"));
    expect(tokenRequests()).toHaveLength(1);
    clock += 550_000; // within the last minute of 600 s
    ok(await call("testConnection"));
    expect(tokenRequests()).toHaveLength(2);
    expect(fake.seen.at(-1)!.headers.authorization).toBe("Bearer graph-token-2");
  });

  test("a token upstream refuses (401) is dropped, so the retry gets a new one", async () => {
    fake.next.push(() => undefined, status(401, { error: { code: "InvalidAuthenticationToken", message: "Lifetime validation failed" } }));
    expect(failure(await call("testConnection"))).toMatchObject({ status: 401, message: "Microsoft Graph answered 401: InvalidAuthenticationToken: Lifetime validation failed" });
    ok(await call("testConnection"));
    expect(tokenRequests()).toHaveLength(2);
  });

  test("a refused token request fails the call, with the secret redacted from upstream's echo", async () => {
    setup(undefined, "rotated-secret");
    const error = failure(await call("testConnection"));
    expect(error).toMatchObject({ status: 401, provider: "msgraph", method: "testConnection" });
    expect(error!.message).toBe("Microsoft identity platform answered 401: invalid_client: AADSTS7000215: Invalid client secret provided: [redacted]");
  });
});

describe("requests", () => {
  test("sendEmail: POST /users/{sender}/sendMail with Graph's message, 202 → the mock's envelope", async () => {
    const sent = ok(await call("sendEmail", { to: ["a@example.com"], cc: ["c@example.com"], subject: "Hi", body: "<p>Report</p>" }));
    const req = fake.seen.at(-1)!;
    expect(route(-1)).toBe(`POST ${USER}/sendMail`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({
      message: {
        subject: "Hi",
        body: { contentType: "HTML", content: "<p>Report</p>" },
        toRecipients: [{ emailAddress: { address: "a@example.com" } }],
        ccRecipients: [{ emailAddress: { address: "c@example.com" } }],
        bccRecipients: [],
      },
      saveToSentItems: true,
    });
    expect(req.headers["client-request-id"]).toBe(sent.message_id);
    const mock = createMockProviders({ seed: 1, errorRate: 0 });
    const mocked = ok(await mock.call({ provider: "msgraph", method: "sendEmail", args: [{ to: ["a@example.com"], cc: ["c@example.com"], subject: "Hi", body: "<p>Report</p>" }], task_id: "t", attempt: 1, seq: 0 }));
    expect(Object.keys(sent).sort()).toEqual(Object.keys(mocked).sort());
    expect({ ...sent, message_id: 0, sent_at: 0, timestamp: 0 }).toEqual({ ...mocked, message_id: 0, sent_at: 0, timestamp: 0 });
    ok(await call("sendEmail", { to: ["a@example.com"], subject: "Plain", body: "No tags here" }));
    expect(JSON.parse(fake.seen.at(-1)!.body).message.body.contentType).toBe("Text");
  });

  test("getMessages: $top/$skip/$orderby/$select sent as written; with a filter, $search", async () => {
    const listed = ok(await call("getMessages", { limit: 2, skip: 1 }));
    expect(fake.seen.at(-1)!.search).toBe(
      "?$top=2&$skip=1&$orderby=receivedDateTime%20desc&$count=true&$select=id%2Csubject%2Cfrom%2Cbody%2CreceivedDateTime%2CisRead%2ChasAttachments",
    );
    expect(listed).toMatchObject({ success: true, total_count: 3, returned_count: 2, pagination: { limit: 2, skip: 1, total: 3 } });
    const mockListed = ok(await createMockProviders({ seed: 1 }).call({ provider: "msgraph", method: "getMessages", args: [{}], task_id: "t", attempt: 1, seq: 0 }));
    expect(Object.keys(listed.messages[0]).sort()).toEqual(Object.keys(mockListed.messages[0]).sort());

    const filtered = ok(await call("getMessages", { filter: "budget" }));
    expect(fake.seen.at(-1)!.query).toMatchObject({ $search: '"budget"', $top: "10" });
    expect(filtered.messages.map((m: any) => m.subject)).toEqual(["Budget review"]);
  });

  test("readMessage PATCHes isRead; search, reply and delete; unknown ids in the mocks' words", async () => {
    const read = ok(await call("readMessage", "AAMk1="));
    expect(route(-1)).toBe(`PATCH ${USER}/messages/AAMk1%3D`);
    expect(JSON.parse(fake.seen.at(-1)!.body)).toEqual({ isRead: true });
    expect(read).toMatchObject({ success: true, message_id: "AAMk1=", message: { id: "AAMk1=", isRead: true } });
    expect(read.message["@odata.etag"]).toBeUndefined();

    const found = ok(await call("searchMessages", "budget", 5));
    expect(fake.seen.at(-1)!.query).toMatchObject({ $search: '"budget"', $top: "5" });
    expect(found).toMatchObject({ success: true, total_results: 1, query: "budget" });

    const reply = ok(await call("replyToMessage", "AAMk2=", "Thanks"));
    expect(route(-1)).toBe(`POST ${USER}/messages/AAMk2%3D/reply`);
    expect(JSON.parse(fake.seen.at(-1)!.body)).toEqual({ comment: "Thanks" });
    expect(reply).toMatchObject({ success: true, parent_message_id: "AAMk2=", reply_body: "Thanks", reply_id: fake.seen.at(-1)!.headers["client-request-id"] });

    const deleted = ok(await call("deleteMessage", "AAMk3="));
    expect([route(-2), route(-1)]).toEqual([`GET ${USER}/messages/AAMk3%3D`, `DELETE ${USER}/messages/AAMk3%3D`]);
    expect(deleted).toMatchObject({ message_id: "AAMk3=", message: { subject: "Thread 3" } });
    expect(failure(await call("readMessage", "AAMk3="))).toMatchObject({ status: 404, message: "Message not found: AAMk3=" });
    expect(ok(await call("testConnection"))).toMatchObject({ user_id: SENDER, api_version: "v1.0", message: "Connection successful" });
  });

  test("bad recipients are refused before any request", async () => {
    expect(failure(await call("sendEmail", { to: ["nobody"] }))?.status).toBe(400);
    expect(fake.seen).toHaveLength(0);
  });
});

describe("answers", () => {
  test("429 with Retry-After; 5xx; a hang is a 408", async () => {
    ok(await call("testConnection")); // token first, so the overrides below hit Graph calls
    fake.next.push(status(429, { error: { code: "TooManyRequests", message: "Slow down" } }, { "Retry-After": "12" }));
    expect(failure(await call("sendEmail", { to: ["a@example.com"] }))).toMatchObject({ status: 429, retry_after: 12, message: "Microsoft Graph answered 429: TooManyRequests: Slow down" });
    fake.next.push(status(503, { error: { code: "ServiceUnavailable", message: "Try later" } }, { "Retry-After": "3" }));
    expect(failure(await call("getMessages", {}))).toMatchObject({ status: 503, retry_after: 3 });
    fake.next.push(hang());
    expect(failure(await call("getMessages", {}))).toMatchObject({ status: 408, message: "Microsoft Graph did not answer within 200 ms" });
  });

  test("a hanging token endpoint is a 408 too", async () => {
    fake.next.push(hang());
    expect(failure(await call("testConnection"))).toMatchObject({ status: 408, message: "Microsoft identity platform did not answer within 200 ms" });
  });

  test("issued access tokens are redacted from messages", async () => {
    ok(await call("testConnection"));
    fake.next.push(status(403, { error: { code: "Forbidden", message: `token ${fake.tokens[0]} lacks Mail.Send` } }));
    expect(failure(await call("sendEmail", { to: ["a@example.com"] }))?.message).toBe("Microsoft Graph answered 403: Forbidden: token [redacted] lacks Mail.Send");
  });
});
