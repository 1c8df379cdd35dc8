/**
 * A store deleted or replaced under a running process (SPEC 9.1): its commits would go to files
 * no one else can see, so it stops with exit 4 at its next commit batch, prints no summary and
 * nothing more, and says what happened to which file.
 */
import { expect, test } from "bun:test";
import { copyFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, tempDir } from "./helpers";

const TASKS = 400;

function slowTasks(dir: string): string {
  const lines = Array.from({ length: TASKS }, (_, i) =>
    JSON.stringify({ task_id: `t${i}`, wave: 1, predicted_success_probability: 0.9, code: `const end = Date.now() + 15; while (Date.now() < end) {} return ${i};` }),
  );
  const path = join(dir, "tasks.jsonl");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const parse = (text: string) => text.split("\n").filter(Boolean).map((l) => JSON.parse(l));

/** Starts a long run, does `act` to its store once it has reported a task, and returns how it ended. */
async function runAndTamper(act: (db: string, dir: string) => void | Promise<void>) {
  const dir = tempDir();
  const file = slowTasks(dir);
  const db = join(dir, "buddy.db");
  // Another buddy database, to put in the store's place.
  const other = join(dir, "other.db");
  await buddy(["run", file, "--db", other, "--simulate", "--run-id", "other", "--quiet"]);
  const proc = Bun.spawn([BUDDY, "run", file, "--db", db, "--run-id", "victim", "--threads", "1", "--quiet"], { stdout: "pipe", stderr: "pipe" });
  const stderr = new Response(proc.stderr).text();
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  await act(db, dir);
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
  return { code: await proc.exited, records: parse(text), stderr: await stderr, db };
}

const cases: [string, (db: string, dir: string) => void, string][] = [
  ["the database file deleted", (db) => rmSync(db), "the database file was deleted"],
  ["the -wal deleted", (db) => rmSync(`${db}-wal`), "its write-ahead log (-wal) was deleted"],
  ["the -shm deleted", (db) => rmSync(`${db}-shm`), "its shared-memory index (-shm) was deleted"],
  ["another database moved onto its path", (db, dir) => renameSync(join(dir, "other.db"), db), "the database file was replaced by another file"],
  ["the whole store moved away", (db, dir) => {
    for (const suffix of ["", "-wal", "-shm"]) renameSync(db + suffix, join(dir, `moved.db${suffix}`));
  }, "the database file was deleted"],
  ["the -wal replaced by a copy of itself", (db, dir) => {
    copyFileSync(`${db}-wal`, join(dir, "copy-wal"));
    renameSync(join(dir, "copy-wal"), `${db}-wal`);
  }, "its write-ahead log (-wal) was replaced by another file"],
];

for (const [name, act, what] of cases) {
  test(`${name} mid-run: exit 4 at the next commit, naming the file; nothing printed after it, no summary`, async () => {
    const ended = await runAndTamper(act);
    expect(ended.code).toBe(4);
    expect(ended.stderr.trim().split("\n")).toEqual([
      `buddy: store ${ended.db} was removed or replaced while this process was using it: ${what}; stopping, as results from here on could not be kept`,
    ]);
    expect(ended.records.filter((r) => r.type !== "task")).toEqual([]);
    // Stopped at the next batch (50 ms, a few tasks), far from the run's end.
    expect(ended.records.length).toBeLessThan(TASKS / 4);
  }, 30_000);
}
