/**
 * fixtures/crm-sync*.jsonl as the input reader takes them, and the credential check a live run
 * makes before anything runs. Running them is test/cli/providers.test.ts's: through the binary,
 * in dry run and live against local fakes.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Task } from "../../src/core";
import { formatProblem, readTasks } from "../../src/input";
import { checkProviderCredentials } from "../../src/providers";

const fixture = (name: string) => join(import.meta.dir, "../../fixtures", name);

async function tasksOf(file: string): Promise<Task[]> {
  const tasks: Task[] = [];
  for await (const item of readTasks(file)) {
    if (item.kind !== "task") throw new Error(formatProblem(item.problem));
    tasks.push(item.task);
  }
  return tasks;
}

const usesOf = (tasks: readonly Task[]) => tasks.map((t) => ({ task_id: t.task_id, uses: t.uses }));
const LIVE_ENV = {
  GHL_API_TOKEN: "ghl-fixture-token-5c1d",
  GHL_LOCATION_ID: "loc-1",
  MSGRAPH_TENANT_ID: "tenant",
  MSGRAPH_CLIENT_ID: "client-1",
  MSGRAPH_CLIENT_SECRET: "graph-fixture-secret-e2b9",
  MSGRAPH_SENDER: "crm-bot@example.com",
};

describe("fixtures/crm-sync.jsonl", () => {
  test("has 3+ waves, and every task declares providers and a quick retry policy", async () => {
    const tasks = await tasksOf(fixture("crm-sync.jsonl"));
    expect(new Set(tasks.map((t) => t.wave)).size).toBeGreaterThanOrEqual(3);
    for (const t of tasks) {
      expect([t.task_id, t.uses.length > 0]).toEqual([t.task_id, true]);
      expect([t.task_id, t.retry?.max_delay_ms !== undefined && t.retry.max_delay_ms <= 1000]).toEqual([t.task_id, true]);
    }
    expect([...new Set(tasks.flatMap((t) => t.uses))].sort()).toEqual(["ghl", "mployer", "msgraph"]);
  });
});

describe("before a live run starts", () => {
  test("the live fixture passes the credential check with every variable set", async () => {
    expect(checkProviderCredentials(usesOf(await tasksOf(fixture("crm-sync-live.jsonl"))), { live: true, env: LIVE_ENV })).toEqual([]);
  });

  test("the full dry-run fixture is refused because of Mployer", async () => {
    const problems = checkProviderCredentials(usesOf(await tasksOf(fixture("crm-sync.jsonl"))), { live: true, env: LIVE_ENV });
    expect(problems).toEqual([expect.stringMatching(/^task "prospect-md-logistics" uses mployer: Mployer has no public API/)]);
  });

  test("without credentials, every missing variable is named with the first task that needs it", async () => {
    const problems = checkProviderCredentials(usesOf(await tasksOf(fixture("crm-sync-live.jsonl"))), { live: true, env: {} });
    expect(problems).toHaveLength(6);
    expect(problems[0]).toBe('GHL_API_TOKEN is not set; task "preflight" uses ghl and --live needs it');
    expect(problems.join("\n")).toContain('MSGRAPH_CLIENT_SECRET is not set; task "preflight" uses msgraph');
  });
});
