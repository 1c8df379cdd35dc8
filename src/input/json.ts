/**
 * Strict JSON for task input (SPEC 5, "Inputs the sandbox receives"): JSON.parse accepts three
 * things that later break a run or silently change a value, and this module turns each into a
 * problem naming its field:
 * - nesting deeper than MAX_JSON_DEPTH: the store, the sandbox and JSON.stringify recurse and
 *   overflow their stacks on it. The depth is counted on the text, before parsing, so no parser
 *   ever sees such a value;
 * - a number beyond a double (`1e309`): JSON.parse makes it Infinity, stored as `null`;
 * - a lone surrogate (`"\ud800"`): not Unicode, so two ids differing only by one collide in
 *   the store's UTF-8 text.
 * Each check has a cheap pre-test on the text, so the usual short, plain line costs one parse.
 */
import { type FieldProblem, LINE_FIELD } from "./problems";

/** Deepest nesting accepted, the line's own object or array counting as level 1. */
export const MAX_JSON_DEPTH = 512;

export type ParsedJson = { ok: true; value: unknown } | { ok: false; problems: FieldProblem[] };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Where the text first nests deeper than MAX_JSON_DEPTH: the top-level key it happens under
 * (LINE_FIELD when the text is not an object), or undefined when it never does. Strings are
 * skipped, so brackets inside them do not count; malformed text is left to JSON.parse.
 */
export function tooDeepAt(text: string): string | undefined {
  // Each level needs an opening character: texts with fewer cannot be too deep. Counting them
  // with indexOf is a native scan, so the usual line never reaches the loop below.
  if (text.length <= MAX_JSON_DEPTH || openers(text) <= MAX_JSON_DEPTH) return undefined;
  let depth = 0;
  let topIsObject = false;
  let lastString = -1; // start of the last string at depth 1, a key once a colon follows
  let key: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      if (depth === 1) lastString = start;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === 0) topIsObject = c === OPEN_BRACE;
      if (++depth > MAX_JSON_DEPTH) return key ?? LINE_FIELD;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    } else if (c === COLON && depth === 1 && topIsObject && lastString >= 0) {
      key = keyAt(text, lastString);
    }
  }
  return undefined;
}

/** How many `[` and `{` the text holds, counted up to one past the limit. */
function openers(text: string): number {
  let count = 0;
  for (const c of ["[", "{"]) {
    for (let i = text.indexOf(c); i !== -1 && count <= MAX_JSON_DEPTH; i = text.indexOf(c, i + 1)) count++;
  }
  return count;
}

/** The (unescaped) string literal starting at `start`. */
function keyAt(text: string, start: number): string {
  let end = start + 1;
  while (end < text.length && text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return text.slice(start + 1, end);
  }
}

/** `input`, `input.a`, `input.a[3]`: the field names problems use (see problems.ts fieldName). */
const child = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;

/** In `u` mode a class of surrogates matches only unpaired ones (a pair is one code point). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
const isWellFormed = (s: string) => !LONE_SURROGATE.test(s);
const toWellFormed = (s: string) => s.replace(/[\ud800-\udfff]/gu, "\ufffd");

/**
 * Pre-tests on the text, so that only a line that may hold a bad value is walked: an exponent of
 * 3+ digits, a surrogate escape, or a surrogate code unit (a pair too: the walk tells them apart);
 * or a mantissa of 210+ digits, which overflows with an exponent ≤ 99 (309 − 99). Two regexes,
 * because the alternation of all four measured slower than the pair.
 */
const MAY_BE_BAD = /[eE][+-]?\d{3}|\\u[dD][89a-fA-F]|[\ud800-\udfff]/;
const LONG_DIGITS = /\d{210}/;

/** Every value problem (overflowed number, lone surrogate in a key or string) of a parsed value. */
function valueProblems(value: unknown, path: string, found: FieldProblem[]): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) found.push({ field: path || LINE_FIELD, message: "is a number too large for a double (beyond ±1.8e308)" });
  } else if (typeof value === "string") {
    if (!isWellFormed(value)) found.push({ field: path || LINE_FIELD, message: "contains a lone UTF-16 surrogate (not valid Unicode)" });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => valueProblems(item, child(path, i), found));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const name = child(path, isWellFormed(key) ? key : toWellFormed(key));
      if (!isWellFormed(key)) found.push({ field: name, message: "is a key with a lone UTF-16 surrogate (not valid Unicode)" });
      valueProblems(item, name, found);
    }
  }
}

/** Parses `text` as JSON and applies the three rules above; `why` problems use LINE_FIELD. */
export function parseStrictJson(text: string): ParsedJson {
  const deep = tooDeepAt(text);
  if (deep !== undefined) return { ok: false, problems: [{ field: deep, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` }] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Bun prefixes every message with "JSON Parse error: ", which the problem already says.
    const why = (error as Error).message.replace(/^JSON Parse error: /, "");
    return { ok: false, problems: [{ field: LINE_FIELD, message: `is not valid JSON (${why})` }] };
  }
  if (MAY_BE_BAD.test(text) || LONG_DIGITS.test(text)) {
    const found: FieldProblem[] = [];
    valueProblems(value, "", found);
    if (found.length > 0) return { ok: false, problems: found };
  }
  return { ok: true, value };
}
