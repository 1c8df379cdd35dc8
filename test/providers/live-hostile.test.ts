/**
 * Live clients against hostile local fakes (SPEC 6): upstreams that echo the token and the client
 * secret in every spelling, in success bodies, error bodies past any cut, status lines and the
 * token endpoint; and bodies that never end. Nothing secret reaches what the task sees.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createLiveProviders, type ProviderResult } from "../../src/providers";
import { endless, pastTheCut, spellings } from "./fakes";

const TOKEN = "ghl-hostile-~token.Q9";
const SECRET = "graph~secret_with.tilde-77";
const ACCESS = "eyJhbGciOi.hostile~access.token";
const all = (s: string) => Object.values(spellings(s)).join(" | ");

/** A GoHighLevel/Graph/token fake that answers every request with `answer`, echoing what it got. */
function echoServer(answer: (path: string) => Response) {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => answer(new URL(req.url).pathname) });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const leaks = (r: ProviderResult) => {
  const text = JSON.stringify(r);
  return [TOKEN, SECRET, ACCESS].flatMap((s) => Object.entries(spellings(s)).filter(([, v]) => text.includes(v)).map(([k]) => `${s}:${k}`));
};

const servers: Array<{ stop(): void }> = [];
afterAll(() => servers.forEach((s) => s.stop()));

function providers(url: string, extra: Record<string, string> = {}, timeoutMs = 2000) {
  return createLiveProviders({
    env: {
      GHL_API_TOKEN: TOKEN, GHL_LOCATION_ID: "loc", BUDDY_GHL_BASE_URL: url,
      MSGRAPH_TENANT_ID: "t", MSGRAPH_CLIENT_ID: "client-id", MSGRAPH_CLIENT_SECRET: SECRET, MSGRAPH_SENDER: "bot@example.com",
      BUDDY_MSGRAPH_BASE_URL: url, BUDDY_MSGRAPH_TOKEN_URL: `${url}/token`, ...extra,
    },
    timeoutMs,
  });
}
let seq = 0;
const call = (p: ReturnType<typeof providers>, provider: "ghl" | "msgraph", method: string, args: unknown[], limit_bytes?: number) =>
  p.call({ provider, method, args, task_id: "t", attempt: 1, seq: seq++, limit_bytes });

describe("echoed secrets never reach the task", () => {
  const tokenAnswer = () => Response.json({ access_token: ACCESS, expires_in: 3600, echo: all(SECRET) });

  test("in a successful body: every field of the answer is scrubbed", async () => {
    const s = echoServer((path) => path === "/token" ? tokenAnswer() : Response.json({ contact: { id: "c1", firstName: all(TOKEN), notes: all(SECRET) } }));
    servers.push(s);
    const r = await call(providers(s.url), "ghl", "getContact", ["c1"]);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).toContain("[redacted]");
    expect(leaks(r)).toEqual([]);
    const m = await call(providers(s.url), "msgraph", "readMessage", ["m1"]);
    expect(m.ok).toBe(true);
    expect(leaks(m)).toEqual([]);
  });

  test("in an error body longer than any cut, with the secret past it", async () => {
    for (const kind of ["json", "text"] as const) {
      const s = echoServer((path) => path === "/token"
        ? tokenAnswer()
        : kind === "json"
          ? Response.json({ message: pastTheCut(all(TOKEN) + all(ACCESS)) }, { status: 400 })
          : new Response(pastTheCut(all(TOKEN) + all(ACCESS), 600), { status: 500 }));
      servers.push(s);
      for (const [provider, method, args] of [["ghl", "getContact", ["c1"]], ["msgraph", "readMessage", ["m1"]]] as const) {
        const r = await call(providers(s.url), provider, method, [...args]);
        expect(r.ok).toBe(false);
        expect(leaks(r)).toEqual([]);
      }
    }
  });

  test("in the token endpoint's refusal, the client secret in every spelling", async () => {
    const s = echoServer(() => Response.json({ error: "invalid_client", error_description: pastTheCut(all(SECRET)) }, { status: 401 }));
    servers.push(s);
    const r = await call(providers(s.url), "msgraph", "testConnection", []);
    expect(r.ok ? null : r.error.status).toBe(401);
    expect(leaks(r)).toEqual([]);
  });

  test("in the status line echoed back", async () => {
    const s = echoServer(() => new Response(null, { status: 418, statusText: `bad ${TOKEN}` }));
    servers.push(s);
    const r = await call(providers(s.url), "ghl", "getContact", ["c1"]);
    expect(r.ok).toBe(false);
    expect(leaks(r)).toEqual([]);
  });

  test("in a fetch failure's message", async () => {
    // A base URL that embeds the token: the failure quotes the URL, never the token.
    const r = await call(providers(`http://127.0.0.1:1/${TOKEN}`), "ghl", "getContact", ["c1"]);
    expect(r.ok ? null : r.error.status).toBe(503);
    expect(leaks(r)).toEqual([]);
  });
});

describe("upstream bodies are read with a cap", () => {
  for (const [name, contentLength] of [["no Content-Length", undefined], ["a lying Content-Length", "10"]] as const) {
    test(`a body that never ends, with ${name}, is a 413 after at most the cap`, async () => {
      const s = endless({ contentLength });
      servers.push(s);
      const r = await call(providers(s.url, {}, 20_000), "ghl", "getContact", ["c1"], 1024 * 1024);
      expect(r.ok ? null : r.error.status).toBe(413);
      expect(s.sent()).toBeLessThan(64 * 1024 * 1024);
    });
  }

  test("an endless error body keeps upstream's status and quotes none of the body", async () => {
    const s = endless({ status: 503 });
    servers.push(s);
    const r = await call(providers(s.url, {}, 20_000), "ghl", "getContact", ["c1"], 1024 * 1024);
    expect(r.ok ? null : r.error).toMatchObject({ status: 503, message: "GoHighLevel answered 503: a body over 1048576 bytes, not read" });
    expect(s.sent()).toBeLessThan(64 * 1024 * 1024);
  });

  test("pages gathered for one answer share its cap: a huge skip over endless pages is a 413, soon", async () => {
    let pages = 0;
    const page = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, firstName: "x".repeat(200) }));
    const s = echoServer(() => {
      pages++;
      return Response.json({ contacts: page, meta: { total: 1e9, startAfterId: `c${pages}`, startAfter: pages } });
    });
    servers.push(s);
    const r = await call(providers(s.url), "ghl", "listContacts", [{ limit: 10, skip: 1_000_000 }], 256 * 1024);
    expect(r.ok ? null : r.error.status).toBe(413);
    expect(pages).toBeLessThan(20);
  });

  test("a declared Content-Length over the cap is refused without reading the body", async () => {
    const s = echoServer(() => new Response("x".repeat(2 * 1024 * 1024), { headers: { "content-type": "application/json" } }));
    servers.push(s);
    const r = await call(providers(s.url), "ghl", "getContact", ["c1"], 1024 * 1024);
    expect(r.ok ? null : r.error).toMatchObject({ code: "PROVIDER_ERROR", status: 413 });
    const fits = await call(providers(s.url), "ghl", "getContact", ["c1"], 4 * 1024 * 1024);
    expect(fits.ok ? null : fits.error.status).not.toBe(413);
  });
});
