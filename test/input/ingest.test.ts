/**
 * What readTasks makes of valid input (SPEC 2.1): defaults, derived risk, the alias, meta,
 * scripts, and the streaming of files and stdin whatever the chunking.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Task } from "../../src/core";
import { type InputItem, type ReadOptions, readTasks, validateFile } from "../../src/input";

const FIXTURES = join(import.meta.dir, "../../fixtures");
const tmp = mkdtempSync(join(tmpdir(), "buddy-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(source: string, options: ReadOptions = {}): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readTasks(source, options)) items.push(item);
  return items;
}

/** The tasks of JSONL `lines` given on stdin; fails the test on any problem. */
async function tasksOf(lines: object[], options: ReadOptions = {}): Promise<Task[]> {
  const text = lines.map((l) => JSON.stringify(l)).join("\n");
  const items = await collect("-", { ...options, stdin: new Blob([text]).stream() });
  expect(items.filter((i) => i.kind === "problem")).toEqual([]);
  return items.flatMap((i) => (i.kind === "task" ? [i.task] : []));
}

const base = { predicted_success_probability: 0.9, code: "return 1" };

describe("defaults and derived fields", () => {
  test("a minimal line gets the defaults of SPEC 2.1 and nothing else", async () => {
    const [task] = await tasksOf([{ task_id: "a", ...base }]);
    expect(task).toEqual({
      task_id: "a",
      seq: 0,
      wave: 1,
      priority: 2,
      predicted_success_probability: 0.9,
      predicted_execution_time: 1,
      risk_assessment: "LOW",
      uses: [],
      code: "return 1",
      meta: {},
    });
  });

  test.each([
    [0.85, "LOW"],
    [0.8499, "MEDIUM"],
    [0.7, "MEDIUM"],
    [0.6999, "HIGH"],
    [0, "HIGH"],
  ])("probability %p derives risk %s", async (p, risk) => {
    const [task] = await tasksOf([{ task_id: "a", code: "", predicted_success_probability: p }]);
    expect(task?.risk_assessment).toBe(risk as Task["risk_assessment"]);
  });

  test("a given risk wins over the derived one", async () => {
    const [task] = await tasksOf([{ task_id: "a", ...base, risk_assessment: "HIGH" }]);
    expect(task?.risk_assessment).toBe("HIGH");
  });

  test("the alias predicted_success_rate fills the probability and is not meta", async () => {
    const [task] = await tasksOf([{ task_id: "a", code: "", predicted_success_rate: 0.75 }]);
    expect(task?.predicted_success_probability).toBe(0.75);
    expect(task?.risk_assessment).toBe("MEDIUM");
    expect(task?.meta).toEqual({});
  });

  test("every known field is carried over as given", async () => {
    const line = {
      task_id: "full",
      wave: 3,
      priority: 1,
      predicted_success_probability: 0.5,
      predicted_execution_time: 0,
      risk_assessment: "MEDIUM",
      agent_id: "agent_1",
      agent_predictions: { agent_0: 0.4, agent_1: 0.6 },
      code: "return input",
      input: null,
      uses: ["msgraph", "ghl"],
      timeout_ms: 100,
      memory_mb: 16,
      max_retries: 0,
      retry: { strategy: "none" },
      approved: true,
    };
    const [task] = await tasksOf([line]);
    expect(task).toEqual({ ...line, seq: 0, meta: {} } as Task);
    expect("input" in task!).toBe(true);
  });

  test("unknown fields are kept verbatim in meta, even __proto__", async () => {
    const known = `"task_id":"m","code":"","predicted_success_probability":1`;
    const text = `{${known},"team":{"a":[1]},"__proto__":{"x":1}}`;
    const [item] = await collect("-", { stdin: new Blob([text]).stream() });
    const meta = item?.kind === "task" ? item.task.meta : {};
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect(Object.keys(meta)).toEqual(["team", "__proto__"]);
    expect(JSON.stringify(meta)).toBe('{"team":{"a":[1]},"__proto__":{"x":1}}');
  });

  test("seq numbers valid tasks only; line numbers count every line", async () => {
    const [a, b] = [{ task_id: "a", ...base }, { task_id: "b", ...base }].map((t) => JSON.stringify(t));
    const text = `${a}\n\nbroken\n${b}`;
    const items = await collect("-", { stdin: new Blob([text]).stream() });
    const tasks = items.flatMap((i) => (i.kind === "task" ? [[i.task.task_id, i.task.seq, i.line]] : []));
    expect(tasks).toEqual([
      ["a", 0, 1],
      ["b", 1, 4],
    ]);
  });
});

describe("scripts", () => {
  test("a script is read at ingest, relative to the input file", async () => {
    const dir = mkdtempSync(join(tmp, "script-"));
    await Bun.write(join(dir, "js/job.js"), "return input * 2;\n");
    const line = { task_id: "s", script: "js/job.js", input: 21, predicted_success_probability: 1 };
    await Bun.write(join(dir, "tasks.jsonl"), JSON.stringify(line));
    const [item] = await collect(join(dir, "tasks.jsonl"));
    const task = item?.kind === "task" ? item.task : undefined;
    expect(task).toMatchObject({ code: "return input * 2;\n", script: "js/job.js" });
  });

  test("on stdin, scripts are relative to stdinBaseDir", async () => {
    const line = { task_id: "s", script: "scripts/add.js", predicted_success_probability: 1 };
    const [task] = await tasksOf([line], { stdinBaseDir: FIXTURES });
    expect(task?.code).toBe("return input.a + input.b;\n");
  });
});

describe("streaming", () => {
  test("BOM, CRLF and blank lines are accepted (fixtures/ok-bom-crlf.jsonl)", async () => {
    const result = await validateFile(join(FIXTURES, "ok-bom-crlf.jsonl"));
    expect(result).toEqual({ problems: [], warnings: [], taskCount: 3, waves: [1, 2] });
    const items = await collect(join(FIXTURES, "ok-bom-crlf.jsonl"));
    expect(items.map((i) => i.kind === "task" && [i.task.task_id, i.line])).toEqual([
      ["bom-1", 1],
      ["bom-2", 3],
      ["bom-3", 5],
    ]);
  });

  test("stdin read one byte at a time gives the same items as the file", async () => {
    const path = join(FIXTURES, "ok-bom-crlf.jsonl");
    // Multi-byte characters, the BOM and CRLF all get split across reads.
    const extra = Buffer.from('{"task_id":"é€","code":"","predicted_success_rate":0.5}');
    const bytes = Buffer.concat([await Bun.file(path).bytes(), extra]);
    async function* oneByOne() {
      for (const b of bytes) yield new Uint8Array([b]);
    }
    const items = await collect("-", { stdin: oneByOne() });
    const fromFile = await collect(path);
    expect(items.slice(0, 3)).toEqual(fromFile);
    expect(items[3]?.kind === "task" && items[3].task.task_id).toBe("é€");
  });

  test("a 5 MiB line arriving in small reads is one problem and the stream goes on", async () => {
    async function* chunks() {
      yield Buffer.from('{"task_id":"huge","pad":"');
      for (let i = 0; i < 80; i++) yield new Uint8Array(64 * 1024).fill(0x78);
      yield Buffer.from(`"}\n${JSON.stringify({ task_id: "next", ...base })}\n`);
    }
    const items = await collect("-", { stdin: chunks() });
    expect(items.map((i) => (i.kind === "task" ? i.task.task_id : i.problem.message))).toEqual([
      "is longer than 1 MiB",
      "next",
    ]);
  });

  test("an aborted signal stops an endless stream", async () => {
    async function* endless() {
      for (let i = 0; ; i++) yield Buffer.from(`${JSON.stringify({ task_id: `t${i}`, ...base })}\n`);
    }
    const controller = new AbortController();
    let tasks = 0;
    const reading = (async () => {
      for await (const item of readTasks("-", { stdin: endless(), signal: controller.signal })) {
        if (item.kind === "task" && ++tasks === 100) controller.abort(new Error("stop"));
      }
    })();
    await expect(reading).rejects.toThrow("stop");
    expect(tasks).toBe(100);
  });

  test("a generated 200k-line file validates, and a late duplicate still finds its first line", async () => {
    const path = join(tmp, "big.jsonl");
    const writer = Bun.file(path).writer();
    const count = 200_000;
    const line = (id: string, wave: number) =>
      `{"task_id":"${id}","wave":${wave},"predicted_success_probability":0.9,"code":"return 1"}\n`;
    for (let i = 0; i < count; i++) writer.write(line(`t${i}`, 1 + (i % 4)));
    writer.write(line("t7", 1));
    await writer.end();
    const result = await validateFile(path);
    expect(result.taskCount).toBe(count);
    expect(result.waves).toEqual([1, 2, 3, 4]);
    expect(result.problems).toEqual([
      { file: path, line: count + 1, field: "task_id", message: '"t7" is already used on line 8' },
    ]);
  });
});
