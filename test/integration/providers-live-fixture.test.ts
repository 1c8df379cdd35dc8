/**
 * The CRM job of fixtures/crm-sync*.jsonl in live mode against local fakes of GoHighLevel and
 * Graph: same result shapes as dry run, the headers and token order the real APIs need, and the
 * secrets nowhere in what the tasks return.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkProviderCredentials, createLiveProviders, createMockProviders } from "../../src/providers";
import { readFixture, runFixture, shape, type TaskOutcome } from "../unit/providers-runner";
import { fakeGhl, fakeGraph } from "./providers-fakes";

const GHL_TOKEN = "ghl-fixture-token-5c1d";
const SECRET = "graph-fixture-secret-e2b9";
const fixture = (name: string) => join(import.meta.dir, "../../fixtures", name);
const liveTasks = readFixture(fixture("crm-sync-live.jsonl"));

let ghl: ReturnType<typeof fakeGhl>;
let graph: ReturnType<typeof fakeGraph>;
let live: Map<string, TaskOutcome>;
let env: Record<string, string>;

beforeAll(async () => {
  ghl = fakeGhl(GHL_TOKEN);
  graph = fakeGraph({ clientId: "client-1", secret: SECRET, sender: "crm-bot@example.com" });
  env = {
    GHL_API_TOKEN: GHL_TOKEN,
    GHL_LOCATION_ID: "loc-1",
    MSGRAPH_TENANT_ID: "tenant",
    MSGRAPH_CLIENT_ID: "client-1",
    MSGRAPH_CLIENT_SECRET: SECRET,
    MSGRAPH_SENDER: "crm-bot@example.com",
    BUDDY_GHL_BASE_URL: ghl.url,
    BUDDY_MSGRAPH_BASE_URL: graph.base,
    BUDDY_MSGRAPH_TOKEN_URL: graph.tokenUrl,
  };
  expect(checkProviderCredentials(liveTasks.map((t) => ({ task_id: t.task_id, uses: t.uses as never })), { live: true, env })).toEqual([]);
  live = await runFixture(createLiveProviders({ env, timeoutMs: 2000 }), liveTasks);
});
afterAll(() => {
  ghl.stop();
  graph.stop();
});

describe("crm-sync-live.jsonl with live providers", () => {
  test("every task succeeds, with the same result shapes as in dry run", async () => {
    const dry = await runFixture(createMockProviders({ seed: 3, errorRate: 0 }), liveTasks);
    for (const [id, outcome] of live) {
      expect({ id, status: outcome.status, error: outcome.error }).toEqual({ id, status: "succeeded", error: undefined });
      expect({ id, shape: shape(outcome.result) }).toEqual({ id, shape: shape(dry.get(id)!.result) });
    }
    expect((live.get("crm-summary")!.result as any).contacts).toBe(ghl.contacts.size);
  });

  test("GoHighLevel saw the bearer token and Version 2021-07-28 on every call", () => {
    expect(ghl.seen.length).toBeGreaterThan(10);
    for (const req of ghl.seen) {
      expect(req.headers.authorization).toBe(`Bearer ${GHL_TOKEN}`);
      expect(req.headers.version).toBe("2021-07-28");
    }
  });

  test("Graph saw one token request, before its first call", () => {
    const isToken = (path: string) => path.endsWith("/oauth2/v2.0/token");
    expect(graph.seen.filter((s) => isToken(s.path))).toHaveLength(1);
    expect(isToken(graph.seen[0]!.path)).toBe(true);
    for (const req of graph.seen.slice(1)) expect(req.headers.authorization).toBe("Bearer graph-token-1");
  });

  test("no secret appears in what the tasks returned", () => {
    const text = JSON.stringify(Object.fromEntries(live));
    for (const secret of [GHL_TOKEN, SECRET, "graph-token-1"]) expect(text).not.toContain(secret);
  });
});

describe("before a live run starts", () => {
  test("the full dry-run fixture is refused because of Mployer", () => {
    const tasks = readFixture(fixture("crm-sync.jsonl")).map((t) => ({ task_id: t.task_id, uses: t.uses as never }));
    const problems = checkProviderCredentials(tasks, { live: true, env });
    expect(problems).toEqual([expect.stringMatching(/^task "prospect-md-logistics" uses mployer: Mployer has no public API/)]);
  });

  test("without credentials, every missing variable is named with the first task that needs it", () => {
    const tasks = liveTasks.map((t) => ({ task_id: t.task_id, uses: t.uses as never }));
    const problems = checkProviderCredentials(tasks, { live: true, env: {} });
    expect(problems).toHaveLength(6);
    expect(problems[0]).toBe('GHL_API_TOKEN is not set; task "preflight" uses ghl and --live needs it');
    expect(problems.join("\n")).toContain('MSGRAPH_CLIENT_SECRET is not set; task "preflight" uses msgraph');
  });
});
