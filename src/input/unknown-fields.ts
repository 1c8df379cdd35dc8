/**
 * Fields of a task line the schema does not know (SPEC 2.1 keeps them, verbatim, in `meta`).
 * One that looks like a known field is most likely a typo that silently does nothing
 * (`timeout: 500` leaves the 5 s default in force): it is a warning, and with `--strict` every
 * unknown field is a problem.
 */
import { show, type FieldProblem } from "./problems";
import { KNOWN_FIELDS, META_FIELDS } from "./schema";

/** Case, `_` and `-` aside: `maxRetries`, `max-retries` and `max_retries` are the same name. */
const norm = (name: string) => name.toLowerCase().replace(/[_-]/g, "");

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, counted up to `limit` + 1. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = Array.from({ length: b.length + 1 }, (_, j) => j);
  let previous = before;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(before[j]! + 1, row[j - 1]! + 1, before[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, previous[j - 2]! + 1);
      row.push(d);
    }
    previous = before;
    before = row;
  }
  return before[b.length]!;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** The known field `name` most likely stands for, if any. */
function lookalike(name: string): string | undefined {
  const n = norm(name);
  if (n.length < 3) return undefined;
  let best: { field: string; score: number } | undefined;
  for (const field of KNOWN_FIELDS) {
    const f = norm(field);
    // The same name spelt another way; a known name cut short (`timeout` for `timeout_ms`), or
    // cut short with its end misspelt (`max_retry` for `max_retries`); or a typo of one or two
    // letters in a longer name.
    const cutShort = n.length >= 4 && n.length <= f.length && commonPrefix(n, f) >= Math.max(4, n.length - 2);
    const score = f === n ? 0 : cutShort ? 1 : distance(n, f, 2) <= (n.length >= 8 ? 2 : 1) ? 2 : Infinity;
    if (score < (best?.score ?? Infinity)) best = { field, score };
  }
  return best?.field;
}

/** Warnings for the unknown fields of `object` that look like known ones; with `strict`, problems for all of them. */
export function unknownFieldFindings(object: Record<string, unknown>, strict: boolean): { warnings: FieldProblem[]; problems: FieldProblem[] } {
  const warnings: FieldProblem[] = [];
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(object)) {
    if (KNOWN_FIELDS.has(key) || META_FIELDS.has(key)) continue;
    const like = lookalike(key);
    const hint = like === undefined ? "" : `: did you mean ${show(like)}?`;
    if (strict) problems.push({ field: key, message: `unknown field (--strict)${hint}` });
    else if (like !== undefined) warnings.push({ field: key, message: `unknown field, kept in meta and otherwise ignored${hint}` });
  }
  return { warnings, problems };
}
