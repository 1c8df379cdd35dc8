/**
 * `--format table` of `runs`, `show` and `violations`: the records a command would print as
 * NDJSON, laid out for a person at a terminal. JSON stays the default everywhere, terminal or
 * not, since a script reading stdout must never get a table because it happened to run in one.
 *
 * Every cell is made inert here, the one place table text is built: task ids, messages and
 * paths come from task files and task code, so control characters and escape sequences are
 * written as `\uXXXX` and cannot move the cursor, retitle the window or recolour the screen.
 * Widths are display widths (a CJK character or an emoji takes two columns, a combining mark
 * none), so columns stay aligned whatever the text.
 */
import { flagError } from "../config";
import { BuddyError, escapeControls } from "../core";
import type { OutputRecord } from "../records";
import { paintFor, type Colour, type Paint } from "./colour";
import { printJson, printLine } from "./io";

const OUTPUT_FORMATS = ["json", "table"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The `--format` option of the reading commands. */
export const FORMAT_OPTION = {
  type: "string",
  default: "json",
  describe: "json: one record per line, for jq and scripts; table: aligned columns for people (colour on a terminal unless NO_COLOR)",
} as const;

/** `--format`'s value, checked before anything is opened: a bad one is a usage error (exit 2). */
export function outputFormat(value: unknown = "json"): OutputFormat {
  if ((OUTPUT_FORMATS as readonly unknown[]).includes(value)) return value as OutputFormat;
  if (Array.isArray(value)) throw new BuddyError("USAGE", `--format is given ${value.length} times; give it once: ${OUTPUT_FORMATS.join(" or ")}`);
  throw flagError("--format", `one of ${OUTPUT_FORMATS.join(", ")}`, String(value));
}

/** A cell wider than this is cut, with "…" as its last column (ids never are). */
const MAX_CELL_WIDTH = 60;
const GAP = "  ";
/** What an absent value (a run not ended, a rate of nothing) shows. */
const NONE = "—";

/**
 * How a column's cells are shown:
 * - `text` (the default): left-aligned; runs of white space (a message's line breaks) become one
 *   space; cut at the end past MAX_CELL_WIDTH.
 * - `id`: left-aligned and never cut: an id is something to copy into the next command. Its
 *   white space is escaped like any control, so two ids that differ in it still look different.
 * - `path`: like text, but cut at the start, where a path says least.
 * - `number`: right-aligned, so digits line up; the caller formats it (units, %).
 */
type CellKind = "text" | "id" | "path" | "number";

export interface Column<Row> {
  header: string;
  cell: (row: Row) => string | number | null | undefined;
  /** @default "text" */
  kind?: CellKind;
  /** The colour of a row's cell on a terminal (a status), if any. */
  colour?: (row: Row) => Colour | undefined;
}

const segmenter = new Intl.Segmenter();

/** The columns `text` takes on a terminal. */
const width = (text: string) => Bun.stringWidth(text);

/** `text` cut to at most `max` columns, "…" marking the cut, whole graphemes only. */
function cut(text: string, max: number, at: "start" | "end"): string {
  if (width(text) <= max) return text;
  const graphemes = Array.from(segmenter.segment(text), (s) => s.segment);
  if (at === "start") graphemes.reverse();
  const kept: string[] = [];
  let used = 1;
  for (const g of graphemes) {
    used += width(g);
    if (used > max) break;
    kept.push(g);
  }
  return at === "start" ? `…${kept.reverse().join("")}` : `${kept.join("")}…`;
}

/** The text a value shows as in a cell of `kind`: inert, on one line, and cut if it is not an id. */
function cellText(value: string | number | null | undefined, kind: CellKind): string {
  if (value === null || value === undefined) return NONE;
  if (kind === "id") return escapeControls(String(value));
  const text = escapeControls(String(value).replace(/\s+/g, " ").trim());
  return cut(text, MAX_CELL_WIDTH, kind === "path" ? "start" : "end");
}

const pad = (text: string, to: number, right: boolean) => {
  const fill = " ".repeat(Math.max(0, to - width(text)));
  return right ? fill + text : text + fill;
};

/**
 * `rows` under a header row, one line each, columns as wide as their widest cell; `empty` alone
 * when there are no rows, since an empty table says less than a sentence.
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: Iterable<Row>, empty: string, paint: Paint): string[] {
  const list = Array.isArray(rows) ? (rows as readonly Row[]) : [...rows];
  if (list.length === 0) return [empty];
  const cells = list.map((row) => columns.map((c) => cellText(c.cell(row), c.kind ?? "text")));
  const widths = columns.map((c) => width(c.header));
  for (const texts of cells) texts.forEach((t, i) => (widths[i] = Math.max(widths[i]!, width(t))));
  const line = (texts: string[], colourOf: (i: number) => Colour | undefined) =>
    texts
      .map((t, i) => {
        const right = columns[i]!.kind === "number";
        // The last column is not padded (no trailing blanks); padding is measured on the plain
        // text and the colour goes around it, so escape sequences take no column.
        const padded = i === texts.length - 1 && !right ? t : pad(t, widths[i]!, right);
        const colour = colourOf(i);
        return colour === undefined ? padded : paint(colour, padded);
      })
      .join(GAP);
  return [line(columns.map((c) => c.header), () => "bold"), ...cells.map((texts, r) => line(texts, (i) => columns[i]!.colour?.(list[r]!)))];
}

/** `key  value` lines, the values aligned; values are made inert like an id's cells, and never cut. */
export function renderKeyValues(pairs: readonly (readonly [string, string | number | null | undefined, Colour?])[], paint: Paint): string[] {
  const keyWidth = Math.max(...pairs.map(([k]) => width(k)));
  return pairs.map(([key, value, colour]) => {
    const text = value === null || value === undefined ? NONE : escapeControls(String(value));
    return `${paint("bold", pad(key, keyWidth, false))}${GAP}${colour === undefined ? text : paint(colour, text)}`;
  });
}

/** The paint for tables on stdout. */
export const stdoutPaint = (): Paint => paintFor(process.stdout);

/** Blocks of lines on stdout, a blank line between blocks. */
export function printBlocks(blocks: readonly string[][]): void {
  blocks.forEach((lines, i) => {
    if (i > 0) printLine("");
    for (const line of lines) printLine(line);
  });
}

/** `records` as NDJSON, or as one table of `columns` (`empty` when there are none). */
export function printRecords<R extends OutputRecord>(format: OutputFormat, records: Iterable<R>, columns: readonly Column<R>[], empty: string): void {
  if (format === "json") for (const record of records) printJson(record);
  else printBlocks([renderTable(columns, records, empty, stdoutPaint())]);
}

/** `1.2 s`, `850 ms`, `2 min 05 s`, `1 h 02 min`: a duration as a person reads it. */
export function humanDuration(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)} min ${two(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${two(Math.floor(s / 60) % 60)} min`;
}

/** `80.0%`: a rate in [0, 1] as a percentage. */
export const percent = (rate: number | null | undefined): string | null => (rate === null || rate === undefined ? null : `${(rate * 100).toFixed(1)}%`);

/** `2026-11-24 21:15:00Z`: a record's timestamp to the second, still UTC. */
export const shortTime = (iso: string | null | undefined): string | null => (iso === null || iso === undefined ? null : iso.replace("T", " ").replace(/\.\d+Z$/, "Z"));
