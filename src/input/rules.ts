/**
 * Rules that span several fields of one line (SPEC 2.1), checked after the schema. They run even
 * when the schema already failed, so a user sees every problem of a line in one pass.
 */
import { type FieldProblem, show } from "./problems";

type Line = Record<string, unknown>;

/** The probability is required under one of its two names, and the two must agree. */
export function probabilityProblems(line: Line): FieldProblem[] {
  const p = line.predicted_success_probability;
  const alias = line.predicted_success_rate;
  if (p === undefined && alias === undefined) {
    return [
      {
        field: "predicted_success_probability",
        message: "is required (or its alias predicted_success_rate)",
      },
    ];
  }
  // Only compare two well-typed numbers; a bad type is already a schema problem.
  if (typeof p === "number" && typeof alias === "number" && p !== alias) {
    return [
      {
        field: "predicted_success_rate",
        message: `is ${show(alias)} but predicted_success_probability is ${show(p)}; give one of them`,
      },
    ];
  }
  return [];
}

function codeProblems(line: Line, simulate: boolean): FieldProblem[] {
  const hasCode = line.code !== undefined;
  const hasScript = line.script !== undefined;
  if (hasCode && hasScript) {
    return [{ field: "script", message: "cannot be given together with code; give one of them" }];
  }
  if (!hasCode && !hasScript && !simulate) {
    return [
      {
        field: "code",
        message: "is missing (no code or script); such tasks only run with --simulate",
      },
    ];
  }
  return [];
}

/** Cross-field problems of one parsed line. Pass `simulate` to accept tasks without code. */
export function crossFieldProblems(line: Line, simulate: boolean): FieldProblem[] {
  return [...probabilityProblems(line), ...codeProblems(line, simulate)];
}
