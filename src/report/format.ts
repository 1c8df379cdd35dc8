/** Formatting shared by the report formats: numbers, times and escaping for each syntax. */
import { escapeControls, escapeInvisible, iso } from "../core";

/** "—" for a figure that does not exist (null), so a table never shows "null" or "NaN". */
const DASH = "—";

export const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(digits));
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? DASH : `${(x * 100).toFixed(1)} %`);
/** A time for people: ISO 8601, or a dash when there is none. */
export const isoOrDash = (ms: number | null | undefined) => (ms === null || ms === undefined ? DASH : iso(ms));
export const ms = (x: number | null | undefined) => (x === null || x === undefined ? DASH : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);

/**
 * A Markdown table cell of any text, a task's included: one line (a lone CR ends a line too),
 * no raw HTML, link, image or code span (`<`, `[`, `]` and backticks escaped, `|` too), and the
 * control and invisible characters written out, so the report printed to a terminal is inert.
 */
const mdCell = (text: string) => escapeControls(text.replace(/\r\n?|\n/g, " ").replace(/[\\|`<[\]]/g, (c) => `\\${c}`));

/** What a table or chart with nothing to show says instead. */
export const NO_DATA = "No data.";

/** A Markdown table, or `empty` when there are no rows: headers over nothing read as a fault. */
export function mdTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty = NO_DATA): string {
  if (rows.length === 0) return empty;
  const line = (cells: readonly string[]) => `| ${cells.map(mdCell).join(" | ")} |`;
  return [line(head), `|${head.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/**
 * Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF). Task output can
 * contain any of them, and one of them makes a CI server reject the whole JUnit file.
 */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or attribute value for XML and HTML: the five special characters escaped, forbidden ones replaced. */
export function escapeXml(text: string): string {
  return escapeInvisible(text)
    .replace(XML_INVALID, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** JSON Lines: one compact object per line, with a final newline (empty string for no rows). */
export const jsonl = (rows: readonly unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join("");
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
