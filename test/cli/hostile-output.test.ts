/**
 * What a hostile task or a careless command line must not do to what buddy writes: control a
 * terminal through a report, overwrite the store through a file a reading command writes, or
 * turn a closed pipe into an internal error.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, fixture, tempDir } from "./helpers";

test("the Markdown report of hostile task text carries no control character, and tables keep their rows", async () => {
  const db = join(tempDir(), "h.db");
  await buddy(["run", fixture("hostile-text.jsonl"), "--db", db, "--quiet"]);
  const md = (await buddy(["report", "latest", "--db", db])).stdout;
  expect(md).toContain("Failed Tasks");
  expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  // Every table row has the cells of its table: no message broke one.
  for (const table of md.split("\n\n").filter((block) => block.startsWith("|"))) {
    const rows = table.split("\n");
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    for (const row of rows) expect({ row, cells: cells(row) }).toEqual({ row, cells: cells(rows[0]!) });
  }
}, 30_000); // two of its tasks run into their timeouts

test("a run where every task was rejected does not say no action is needed", async () => {
  const db = join(tempDir(), "r.db");
  expect((await buddy(["run", fixture("reports/all-rejected.jsonl"), "--db", db, "--live", "--quiet"])).code).toBe(1);
  const md = (await buddy(["report", "latest", "--db", db])).stdout;
  expect(md).not.toContain("No action needed");
  expect(md).toMatch(/task\(s\) rejected by the safety gates/);
});

test("export --output and calibrate --output never replace the store they read", async () => {
  const cwd = tempDir();
  expect((await buddy(["run", fixture("phase20"), "--simulate", "--seed", "7", "--quiet"], { cwd })).code).toBeLessThanOrEqual(1);
  const db = join(cwd, ".buddy/buddy.db");
  const exported = await buddy(["export", "latest", "--output", ".buddy/buddy.db"], { cwd });
  expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 2, stderr: `buddy: --output .buddy/buddy.db: is the store's database ${db}\n` });
  writeFileSync(join(cwd, "next.jsonl"), `${JSON.stringify({ task_id: "n", predicted_success_probability: 0.5, code: "return 1" })}\n`);
  const calibrated = await buddy(["calibrate", "latest", "--apply", "next.jsonl", "--output", db], { cwd });
  expect(calibrated.code).toBe(2);
  expect(calibrated.stderr).toContain("is the store's database");
  expect((await buddy(["runs"], { cwd })).records).toHaveLength(1);
});

test("calibrate --apply from stdin: a script outside the output's directory is exit 2 naming the task", async () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, "out"));
  writeFileSync(join(cwd, "s.js"), "return 1");
  await buddy(["run", fixture("phase20"), "--simulate", "--seed", "7", "--quiet"], { cwd });
  const line = `${JSON.stringify({ task_id: "a", predicted_success_probability: 0.5, script: "s.js" })}\n`;
  const ran = await buddy(["calibrate", "latest", "--apply", "-", "--output", "out/o.jsonl"], { cwd, stdin: line });
  expect(ran.code).toBe(2);
  expect(ran.stderr).toContain("task a's script");
  expect(existsSync(join(cwd, "out/o.jsonl"))).toBe(false);
});

test("stdout and stderr both closed early (2>&1 | head): the run stops as interrupted, exit 143, no internal error", async () => {
  const db = join(tempDir(), "p.db");
  const bash = Bun.spawn(["bash", "-c", `"${BUDDY}" run "${fixture("demo.jsonl")}" --db "${db}" 2>&1 | head -c 100 > /dev/null; echo "\${PIPESTATUS[0]}"`], { stdout: "pipe", stderr: "pipe" });
  const [out] = await Promise.all([new Response(bash.stdout).text(), bash.exited]);
  expect(out.trim()).toBe("143");
});
