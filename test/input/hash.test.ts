/**
 * The input hash (src/input/hash.ts): `hashInput`, taken before a run's store is opened, and the
 * hash readTasks takes of the bytes it ingests must agree, or `buddy run` refuses the input as
 * changed while read. A Phase 20 tree's hash covers the files buddy reads and where they are.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashInput, InputHash, readTasks } from "../../src/input";

const FIXTURES = join(import.meta.dir, "../../fixtures");

/** The hash of the bytes readTasks ingests from `source`, as `buddy run` takes it. */
async function ingestedHash(source: string): Promise<string> {
  const hash = new InputHash();
  for await (const _ of readTasks(source, { simulate: true, hash }));
  return hash.digest();
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "buddy-hash-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const row = (task_id: string, agent_id: string) => `${JSON.stringify({ task_id, agent_id, predicted_success_probability: 0.8 })}\n`;

describe("the hash before the run is the hash of the bytes ingested", () => {
  test("a JSONL file", async () => {
    const file = join(FIXTURES, "demo.jsonl");
    const hash = await hashInput(file);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await ingestedHash(file)).toBe(hash);
    expect(hash).toBe(new Bun.CryptoHasher("sha256").update(await Bun.file(file).bytes()).digest("hex"));
  });

  test("the Phase 20 fixture tree", async () => {
    const root = join(FIXTURES, "phase20");
    expect(await ingestedHash(root)).toBe(await hashInput(root));
  });

  test("a tree where one agent has no schedule file", async () => {
    const root = await tree({
      "wave_1/agent_0/predicted_tasks.jsonl": row("a", "agent_0"),
      "wave_1/agent_0/predicted_schedule.jsonl": `${JSON.stringify({ task_id: "a", agent_id: "agent_0", wave: 1, priority: 1 })}\n`,
      "wave_1/agent_1/predicted_tasks.jsonl": row("b", "agent_1"),
    });
    expect(await ingestedHash(root)).toBe(await hashInput(root));
  });
});

describe("a Phase 20 tree's hash", () => {
  test("ignores files buddy does not read, and changes when a file moves to another agent", async () => {
    const root = await tree({ "wave_1/agent_0/predicted_tasks.jsonl": row("a", "agent_0"), "wave_1/agent_1/predicted_tasks.jsonl": "" });
    const before = await hashInput(root);
    await writeFile(join(root, "wave_1/agent_0/notes.txt"), "not input");
    expect(await hashInput(root)).toBe(before);
    await rm(join(root, "wave_1/agent_1"), { recursive: true });
    await rename(join(root, "wave_1/agent_0"), join(root, "wave_1/agent_1"));
    expect(await hashInput(root)).not.toBe(before);
  });
});
