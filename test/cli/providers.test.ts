/**
 * Providers end to end through the compiled binary (SPEC 6, issue 6): the CRM job of
 * fixtures/crm-sync*.jsonl against the mocks (reproducible, failing now and then, recovering on
 * retry) and live against local fakes of GoHighLevel and Graph, with no secret left behind in
 * anything buddy writes.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shape } from "../providers/shape";
import { fakeGhl, fakeGraph, pastTheCut, spellings } from "../providers/fakes";
import { buddy, fixture, ofType, tempDir, type Ran } from "./helpers";

const GHL_TOKEN = "ghl-cli-token-7f3a91";
const SECRET = "graph-cli-secret-c04e5d";

/** A run of `file` in a fresh directory, with its own database there. */
async function runIn(file: string, args: string[], env?: Record<string, string>) {
  const dir = tempDir();
  const db = join(dir, "db", "buddy.db");
  const ran = await buddy(["run", fixture(file), "--db", db, ...args], { cwd: dir, env });
  return { dir, db, ran };
}

const tasksOf = (ran: Ran) => ofType(ran.records, "task");
const resultsOf = (ran: Ran) =>
  Object.fromEntries(tasksOf(ran).map((t) => [t.task_id, { status: t.status, attempts: t.attempts, result: t.result }]));

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

describe("dry run: fixtures/crm-sync.jsonl --seed 3", async () => {
  const first = await runIn("crm-sync.jsonl", ["--seed", "3", "--quiet"]);
  const second = await runIn("crm-sync.jsonl", ["--seed", "3", "--quiet"]);

  test("every task succeeds, and the same seed gives the same task results", () => {
    expect(first.ran.code).toBe(0);
    expect(tasksOf(first.ran)).toHaveLength(9);
    for (const t of tasksOf(first.ran)) expect([t.task_id, t.status]).toEqual([t.task_id, "succeeded"]);
    expect(resultsOf(second.ran)).toEqual(resultsOf(first.ran));
    expect(tasksOf(first.ran).find((t) => t.task_id === "crm-summary").result).toMatchObject({ contacts: 18, untagged: 0 });
  });

  test("with the default rates an attempt fails with 408 or 429, and its task succeeds on a retry", async () => {
    const runId = first.ran.records[0].run_id;
    const shown = await buddy(["show", runId, "--attempts", "--db", first.db]);
    const failed = ofType(shown.records, "attempt").filter((a) => a.error !== null && a.error !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    const byId = Object.fromEntries(tasksOf(first.ran).map((t) => [t.task_id, t]));
    for (const a of failed) {
      expect(a.error).toMatchObject({ code: "PROVIDER_ERROR", retryable: true });
      expect([408, 429]).toContain(a.error.status);
      expect(byId[a.task_id]).toMatchObject({ status: "succeeded" });
      expect(byId[a.task_id].attempts).toBeGreaterThan(a.attempt);
    }
  });

  test("--mock-error-rate 0: every task succeeds on its first attempt", async () => {
    const { ran } = await runIn("crm-sync.jsonl", ["--seed", "3", "--quiet", "--mock-error-rate", "0"]);
    expect(ran.code).toBe(0);
    for (const t of tasksOf(ran)) expect([t.task_id, t.status, t.attempts]).toEqual([t.task_id, "succeeded", 1]);
  });
});

describe("live: fixtures/crm-sync-live.jsonl --live against local fakes", async () => {
  const ghl = fakeGhl(GHL_TOKEN);
  const graph = fakeGraph({ clientId: "client-cli", secret: SECRET, sender: "crm-bot@example.com" });
  const env = {
    GHL_API_TOKEN: GHL_TOKEN,
    GHL_LOCATION_ID: "loc-cli",
    MSGRAPH_TENANT_ID: "tenant",
    MSGRAPH_CLIENT_ID: "client-cli",
    MSGRAPH_CLIENT_SECRET: SECRET,
    MSGRAPH_SENDER: "crm-bot@example.com",
    BUDDY_GHL_BASE_URL: ghl.url,
    BUDDY_MSGRAPH_BASE_URL: graph.base,
    BUDDY_MSGRAPH_TOKEN_URL: graph.tokenUrl,
  };
  const outDir = join(tempDir(), "out");
  const live = await runIn("crm-sync-live.jsonl", ["--live", "--seed", "3", "--out", outDir], env).finally(() => {
    ghl.stop();
    graph.stop();
  });
  const dry = await runIn("crm-sync-live.jsonl", ["--seed", "3", "--quiet", "--mock-error-rate", "0"]);

  test("every task succeeds, with the result shapes of the dry run", () => {
    expect(live.ran.code).toBe(0);
    const dryById = Object.fromEntries(tasksOf(dry.ran).map((t) => [t.task_id, t]));
    expect(tasksOf(live.ran)).toHaveLength(6);
    for (const t of tasksOf(live.ran)) {
      expect([t.task_id, t.status]).toEqual([t.task_id, "succeeded"]);
      expect([t.task_id, shape(t.result)]).toEqual([t.task_id, shape(dryById[t.task_id].result)]);
    }
    expect(tasksOf(live.ran).find((t) => t.task_id === "crm-summary").result.contacts).toBe(ghl.contacts.size);
  });

  test("GoHighLevel saw the bearer token and Version 2021-07-28 on every call", () => {
    expect(ghl.seen.length).toBeGreaterThan(10);
    for (const req of ghl.seen) {
      expect(req.headers.authorization).toBe(`Bearer ${GHL_TOKEN}`);
      expect(req.headers.version).toBe("2021-07-28");
    }
  });

  test("Graph saw one token request, before its first call", () => {
    expect(graph.seen.length).toBeGreaterThan(1);
    expect(graph.seen.filter((s) => s.path.endsWith("/oauth2/v2.0/token"))).toHaveLength(1);
    expect(graph.seen[0]!.path).toEndWith("/oauth2/v2.0/token");
    for (const req of graph.seen.filter((s) => !s.path.endsWith("/token"))) expect(req.headers.authorization).toStartWith("Bearer graph-token-");
  });

  test("no secret is in the database, the output tree, stdout or stderr", () => {
    const files = [...filesUnder(join(live.db, "..")), ...filesUnder(outDir)];
    expect(files.some((f) => f.endsWith("buddy.db"))).toBe(true);
    expect(files.length).toBeGreaterThan(3);
    const texts = [live.ran.stdout, live.ran.stderr, ...files.map((f) => readFileSync(f).toString("latin1"))];
    for (const secret of [GHL_TOKEN, SECRET, ...graph.tokens]) {
      for (const text of texts) expect(text.includes(secret)).toBe(false);
    }
  });

  test("without credentials, --live exits 2 before running anything, naming the variable", async () => {
    const { dir, ran } = await runIn("crm-sync-live.jsonl", ["--live", "--seed", "3"], {
      GHL_API_TOKEN: "",
      MSGRAPH_CLIENT_SECRET: "",
    });
    expect(ran.code).toBe(2);
    expect(tasksOf(ran)).toEqual([]);
    expect(ran.stderr).toContain("GHL_API_TOKEN is not set");
    const runs = await buddy(["runs", "--db", join(dir, "db", "buddy.db")]);
    expect(runs.records.filter((r) => r.type !== "<not json>")).toEqual([]);
  });
});

describe("live against upstreams that echo every secret in every spelling (issue 9.7)", async () => {
  const token = "ghl-echo~token.Zq81";
  const secret = "graph~echo_secret.tilde-42";
  const access = "eyJ0eXAi.echoed~access.token9";
  const every = (s: string) => Object.values(spellings(s)).join(" | ");
  const echo = () => `${every(token)} ${every(secret)} ${every(access)}`;
  // One fake for GoHighLevel, Graph and the token endpoint: successes and errors both echo.
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/token") return Response.json({ access_token: access, expires_in: 3600, note: every(secret) });
      if (path.startsWith("/contacts/bad")) return Response.json({ message: pastTheCut(echo()) }, { status: 400, statusText: `no ${token}` });
      if (path.startsWith("/contacts/")) return Response.json({ contact: { id: "c1", firstName: echo(), customFields: [{ value: every(token) }] } });
      if (path.includes("/messages/")) return new Response(pastTheCut(echo(), 5000), { status: 500 });
      return Response.json({ id: "user", mail: echo() });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  const dir = tempDir();
  const code = [
    // Graph first: an access token is a secret from the moment it is issued, and the fake echoes it everywhere after.
    "const seen = [await providers.msgraph.testConnection()];",
    "seen.push(await providers.ghl.getContact('c1'));",
    "try { await providers.ghl.getContact('bad'); } catch (e) { seen.push(e); console.log(e.message); }",
    "try { await providers.msgraph.readMessage('m1'); } catch (e) { seen.push(e); console.error(e.message); }",
    "console.log(JSON.stringify(seen));",
    "return seen;",
  ].join("\n");
  const task = { task_id: "echo", predicted_success_probability: 0.9, uses: ["ghl", "msgraph"], code, max_retries: 0 };
  writeFileSync(join(dir, "echo.jsonl"), `${JSON.stringify(task)}\n`);
  const env = {
    GHL_API_TOKEN: token, GHL_LOCATION_ID: "loc", BUDDY_GHL_BASE_URL: url,
    MSGRAPH_TENANT_ID: "tenant", MSGRAPH_CLIENT_ID: "client-id", MSGRAPH_CLIENT_SECRET: secret, MSGRAPH_SENDER: "bot@example.com",
    BUDDY_MSGRAPH_BASE_URL: url, BUDDY_MSGRAPH_TOKEN_URL: `${url}/token`,
  };
  const db = join(dir, "db", "buddy.db");
  const out = join(dir, "out");
  const ran = await buddy(["run", join(dir, "echo.jsonl"), "--live", "--db", db, "--out", out, "--seed", "1"], { cwd: dir, env });
  const shown = await buddy(["show", ran.records[0]?.run_id ?? "none", "--attempts", "--db", db], { cwd: dir });
  const report = await buddy(["report", ran.records[0]?.run_id ?? "none", "--db", db], { cwd: dir });
  server.stop(true);

  test("the task ran and saw the echoes, redacted", () => {
    expect(ran.code).toBe(0);
    const [t] = tasksOf(ran);
    expect(t.status).toBe("succeeded");
    expect(JSON.stringify(t.result)).toContain("[redacted]");
    expect(t.result[2]).toMatchObject({ code: "PROVIDER_ERROR", status: 400 });
    expect(t.result[3]).toMatchObject({ code: "PROVIDER_ERROR", status: 500 });
  });

  test("no spelling of any secret is in stdout, stderr, the store's raw files, show, report or --out", () => {
    const files = [...filesUnder(join(db, "..")), ...filesUnder(out)];
    expect(files.some((f) => f.endsWith("buddy.db"))).toBe(true);
    const texts: Array<[string, string]> = [
      ["stdout", ran.stdout], ["stderr", ran.stderr], ["show", shown.stdout], ["report", report.stdout],
      ...files.map((f) => [f, readFileSync(f).toString("latin1")] as [string, string]),
      // The store holds UTF-8 and may compress nothing: read it as UTF-8 too.
      ...files.map((f) => [`${f} (utf8)`, readFileSync(f).toString("utf8")] as [string, string]),
    ];
    const found: string[] = [];
    for (const s of [token, secret, access]) {
      for (const [kind, spelled] of Object.entries(spellings(s))) {
        for (const [where, text] of texts) if (text.includes(spelled)) found.push(`${kind} of ${s} in ${where}`);
      }
    }
    expect(found).toEqual([]);
  });

  test("a secret too short to redact is refused before anything runs (exit 2), without printing it", async () => {
    const short = await buddy(["run", join(dir, "echo.jsonl"), "--live", "--db", join(dir, "db2", "buddy.db")], {
      cwd: dir,
      env: { ...env, GHL_API_TOKEN: "tok9" },
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("GHL_API_TOKEN is shorter than 8 characters");
    expect(short.stderr + short.stdout).not.toContain("tok9");
    expect(tasksOf(short)).toEqual([]);
  });
});

describe("dry run: the mock providers of a run are bounded (issue 9.7)", async () => {
  const dir = tempDir();
  // ~100 KiB per contact: the 8 MiB bound is reached after about 80 calls; the loop is bounded too.
  const fill = [
    "const note = 'n'.repeat(100 * 1024);",
    "for (let i = 0; i < 200; i++) {",
    "  try { await providers.ghl.createContact({ first_name: 'F' + i, last_name: 'L', email: 'f' + i + '@example.com', note }); }",
    "  catch (e) { if (e.status === 507) { console.log('full after', i); throw e; } throw e; }",
    "}",
    "return 'never full';",
  ].join("\n");
  const task = { task_id: "fill", predicted_success_probability: 0.9, uses: ["ghl"], code: fill, max_retries: 3 };
  writeFileSync(join(dir, "fill.jsonl"), `${JSON.stringify(task)}\n`);
  const db = join(dir, "db", "buddy.db");
  const ran = await buddy(["run", join(dir, "fill.jsonl"), "--db", db, "--seed", "1", "--mock-error-rate", "0"], { cwd: dir });

  test("a full mock answers PROVIDER_ERROR 507, which is not retried", () => {
    expect(ran.code).toBe(1);
    const [t] = tasksOf(ran);
    expect(t).toMatchObject({ status: "failed", attempts: 1, error: { code: "PROVIDER_ERROR", status: 507, retryable: false } });
    expect(statSync(db).size).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("live through the binary: hostile transports (issue 9.7)", async () => {
  const dir = tempDir();
  const token = "ghl-hostile-31415926";
  const digits = "31415926535897932";
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      // The token endpoint issues a 1-character access token: not usable, and it must not poison the redactor.
      if (path === "/token") return Response.json({ access_token: "e", expires_in: 3600 });
      const id = path.split("/").pop();
      if (id === "utf16") return new Response(Buffer.from(`invalid token ${token}`, "utf16le"), { status: 401, headers: { "content-type": "text/plain; charset=utf-16le" } });
      if (id === "utf16ok") return new Response(Buffer.from(JSON.stringify({ contact: { id, firstName: token } }), "utf16le"), { headers: { "content-type": "application/json; charset=utf-16le" } });
      if (id === "retry") return new Response("slow down", { status: 429, headers: { "retry-after": digits } });
      if (id === "retrybig") return new Response("slow down", { status: 429, headers: { "retry-after": "99999999999" } });
      if (id === "ff") return new Response("%FF".repeat(50_000), { status: 400 });
      return Response.json({ contact: { id, firstName: "e-mail me at eve@example.com" } });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  const code = [
    "const out = {};",
    "try { await providers.msgraph.testConnection(); } catch (e) { out.graph = e; }",
    "for (const id of ['utf16', 'utf16ok', 'retry', 'retrybig', 'ff', 'plain']) {",
    "  try { out[id] = await providers.ghl.getContact(id); } catch (e) { out[id] = e; }",
    "}",
    "return out;",
  ].join("\n");
  const task = { task_id: "t", predicted_success_probability: 0.9, uses: ["ghl", "msgraph"], code, max_retries: 0 };
  writeFileSync(join(dir, "t.jsonl"), `${JSON.stringify(task)}\n`);
  const env = {
    GHL_API_TOKEN: digits, GHL_LOCATION_ID: "loc", BUDDY_GHL_BASE_URL: url,
    MSGRAPH_TENANT_ID: "tenant", MSGRAPH_CLIENT_ID: "client-id", MSGRAPH_CLIENT_SECRET: token, MSGRAPH_SENDER: "bot@example.com",
    BUDDY_MSGRAPH_BASE_URL: url, BUDDY_MSGRAPH_TOKEN_URL: `${url}/token`,
  };
  const ran = await buddy(["run", join(dir, "t.jsonl"), "--live", "--db", join(dir, "db", "buddy.db"), "--seed", "1"], { cwd: dir, env });
  const badUrl = await buddy(["run", join(dir, "t.jsonl"), "--live", "--db", join(dir, "db2", "buddy.db")], {
    cwd: dir,
    env: { ...env, BUDDY_GHL_BASE_URL: `ftp://127.0.0.1/${token}?t=${digits}` },
  });
  server.stop(true);
  const result = tasksOf(ran)[0]?.result ?? {};

  test("nothing secret in what the run printed, NULs removed or not", () => {
    expect(ran.code).toBe(0);
    const printed = (ran.stdout + ran.stderr).replace(/\\u0000|\u0000/g, "");
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(digits);
  });

  test("a UTF-16 error body is not quoted; a UTF-16 success body is read in its charset and redacted", () => {
    expect(result.utf16).toMatchObject({ code: "PROVIDER_ERROR", status: 401 });
    expect(result.utf16.message).toBe('GoHighLevel answered 401: a body that is not UTF-8 text (charset "utf-16le"), not shown');
    expect(result.utf16ok.data.first_name).toBe("[redacted]");
  });

  test("a Retry-After that spells a secret is dropped; any other is at most a day", () => {
    expect(result.retry).toMatchObject({ code: "PROVIDER_ERROR", status: 429 });
    expect(result.retry.retry_after).toBeUndefined();
    expect(result.retrybig.retry_after).toBe(86_400);
  });

  test("a hostile error body of %FF escapes is handled at once, and the task goes on", () => {
    expect(result.ff).toMatchObject({ code: "PROVIDER_ERROR", status: 400 });
    expect(result.plain.data.first_name).toBe("e-mail me at eve@example.com");
  });

  test("a 1-character access token is a 502 and does not redact the rest of the run", () => {
    expect(result.graph).toMatchObject({ code: "PROVIDER_ERROR", status: 502 });
    expect(result.graph.message).toContain("too short to be kept out of outputs");
    expect(JSON.stringify(result.plain)).not.toContain("[redacted]");
  });

  test("a bad base URL is an input error that quotes neither a secret nor the URL's path", () => {
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('BUDDY_GHL_BASE_URL is not an http(s) URL: "ftp://127.0.0.1" (path and query not shown)');
    expect(badUrl.stderr + badUrl.stdout).not.toContain(token);
    expect(badUrl.stderr + badUrl.stdout).not.toContain(digits);
  });
});
