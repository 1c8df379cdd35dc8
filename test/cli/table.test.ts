/**
 * The table renderer behind `--format table` (src/cli/table.ts), as pure functions: alignment by
 * display width, inert cells, cuts, and the human figures. The commands are tested through the
 * binary in table-format.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { painter } from "../../src/cli/colour";
import { summaryPairs } from "../../src/cli/record-tables";
import { humanDuration, outputFormat, percent, renderKeyValues, renderTable, shortTime, type Column } from "../../src/cli/table";

const plain = painter(true);
type Row = { id: string; n: number; text: string };
const COLUMNS: Column<Row>[] = [
  { header: "ID", cell: (r) => r.id, kind: "id" },
  { header: "N", cell: (r) => r.n, kind: "number" },
  { header: "TEXT", cell: (r) => r.text },
];
const width = (s: string) => Bun.stringWidth(s);
/** The display column where `needle` starts in `line`. */
const columnOf = (line: string, needle: string) => width(line.slice(0, line.indexOf(needle)));

describe("renderTable", () => {
  test("a header row, then one line per row; columns as wide as their widest cell; numbers right-aligned", () => {
    const lines = renderTable(COLUMNS, [{ id: "a", n: 5, text: "x" }, { id: "longer-id", n: 1234, text: "y" }], "nothing", plain);
    expect(lines).toEqual([
      "ID            N  TEXT",
      "a             5  x",
      "longer-id  1234  y",
    ]);
  });

  test("no rows: the empty line alone, not a header", () => {
    expect(renderTable(COLUMNS, [], "no rows", plain)).toEqual(["no rows"]);
  });

  test("wide characters and emoji take two columns, combining marks none: the next column stays aligned", () => {
    const rows = [{ id: "日本語", n: 1, text: "a" }, { id: "🎉🎉", n: 2, text: "b" }, { id: "e\u0301e\u0301", n: 3, text: "c" }, { id: "abcdef", n: 4, text: "d" }];
    const lines = renderTable(COLUMNS, rows, "", plain);
    const at = ["a", "b", "c", "d"].map((t, i) => columnOf(lines[i + 1]!, `  ${t}`));
    expect(new Set(at).size).toBe(1);
    expect(columnOf(lines[0]!, "  TEXT")).toBe(at[0]!);
  });

  test("control characters and escape sequences are written out, never sent raw", () => {
    const lines = renderTable(COLUMNS, [{ id: "\x1b[31mred\x1b]0;title\x07", n: 1, text: "\x9b2J\u202eevil\nnext" }], "", plain);
    const text = lines.join("\n");
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(lines[1]).toContain("\\u001b[31mred\\u001b]0;title\\u0007");
    expect(lines[1]).toContain("\\u009b2J\\u202eevil next");
    expect(lines).toHaveLength(2);
  });

  test("a long cell is cut to 60 columns ending in …; an id never is; a path keeps its end", () => {
    const long = "word ".repeat(40);
    const id = "i".repeat(100);
    const cols: Column<Row>[] = [...COLUMNS, { header: "PATH", cell: () => `/very/long/${"d/".repeat(40)}file.jsonl`, kind: "path" }];
    const [, line] = renderTable(cols, [{ id, n: 1, text: long }], "", plain);
    expect(line).toContain(id);
    const text = line!.slice(line!.indexOf("word"), line!.indexOf("…") + 1);
    expect(width(text)).toBeLessThanOrEqual(60);
    const path = line!.slice(line!.lastIndexOf("  ") + 2);
    expect(path).toMatch(/^…\/d\/d\/.*\/file\.jsonl$/);
    expect(width(path)).toBe(60);
    // Cutting never splits an emoji or leaves a cell wider than the limit.
    const [, emoji] = renderTable(COLUMNS, [{ id: "e", n: 1, text: "🎉".repeat(40) }], "", plain);
    const cell = emoji!.slice(emoji!.indexOf("🎉"));
    expect(cell.endsWith("…")).toBe(true);
    expect(width(cell)).toBeLessThanOrEqual(60);
    expect(cell.replace("…", "")).toMatch(/^(🎉)+$/u);
  });

  test("colour goes around padded cells, so the columns stay where they are", () => {
    const paint = painter(false);
    const cols: Column<Row>[] = [{ ...COLUMNS[0]!, colour: () => "red" }, COLUMNS[1]!];
    const lines = renderTable(cols, [{ id: "a", n: 1, text: "" }, { id: "bbb", n: 2, text: "" }], "", paint);
    expect(lines[0]).toBe("\x1b[1mID \x1b[0m  \x1b[1mN\x1b[0m");
    expect(lines[1]).toBe("\x1b[31ma  \x1b[0m  1");
  });
});

test("renderKeyValues aligns the values and makes them inert, never cut", () => {
  const long = "v".repeat(100);
  expect(renderKeyValues([["run_id", "R"], ["success_rate", null], ["input", `\x1b[2J${long}`]], plain)).toEqual([
    "run_id        R",
    "success_rate  —",
    `input         \\u001b[2J${long}`,
  ]);
});

test("human figures: durations with units, rates as %, timestamps to the second", () => {
  expect([0, 12.4, 999, 1000, 1234, 59_949, 59_950, 125_000, 3_725_000, null].map(humanDuration))
    .toEqual(["0 ms", "12 ms", "999 ms", "1.0 s", "1.2 s", "59.9 s", "1 min 00 s", "2 min 05 s", "1 h 02 min", null]);
  expect([0, 0.8, 0.12345, 1, null].map(percent)).toEqual(["0.0%", "80.0%", "12.3%", "100.0%", null]);
  expect(shortTime("2026-11-24T21:15:00.123Z")).toBe("2026-11-24 21:15:00Z");
});

test("--format takes json or table; anything else is a usage error naming both", () => {
  expect(outputFormat("json")).toBe("json");
  expect(outputFormat("table")).toBe("table");
  expect(outputFormat(undefined)).toBe("json");
  for (const bad of ["xml", "", "TABLE"]) expect(() => outputFormat(bad)).toThrow('--format must be one of json, table, got "');
  expect(() => outputFormat(["table", "json"])).toThrow("--format is given 2 times");
});

test("show's summary lines of a run that has no summary yet (killed while running): the run's own fields, absent ones as —", () => {
  const run = { type: "run", run_id: "R", status: "running", input: "t.jsonl", tasks: 3, waves: 2, seed: 7, created_at: "2026-11-24T21:15:00.000Z", started_at: "2026-11-24T21:15:01.000Z", ended_at: null, success_rate: null } as const;
  expect(renderKeyValues(summaryPairs(run, undefined), plain)).toEqual([
    "run_id      R",
    "status      running",
    "input       t.jsonl",
    "tasks       3",
    "waves       2",
    "seed        7",
    "created_at  2026-11-24 21:15:00Z",
    "started_at  2026-11-24 21:15:01Z",
    "ended_at    —",
    "duration    —",
  ]);
});
