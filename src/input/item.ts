/**
 * What readTasks yields and the options it takes, apart from read.ts so the Phase 20 reader it
 * delegates to can name them without importing it back.
 */
import type { Task } from "../core";
import type { InputHash } from "./hash";
import type { FieldProblem, Problem } from "./problems";
import type { SourceOptions } from "./source";

export type InputItem =
  | { kind: "task"; task: Task; line: number }
  | { kind: "problem"; problem: Problem }
  /** Worth saying, not stopping for: an unknown field that looks like a known one. */
  | { kind: "warning"; problem: Problem };

export interface ReadOptions extends SourceOptions {
  /** Accept tasks with neither `code` nor `script` (they are simulated, SPEC 4.5). @default false */
  simulate?: boolean;
  /**
   * Problems reported before reading stops. One more problem (field FILE_FIELD) then says that
   * the rest were omitted, so a caller can tell a cut-off list from a complete one. @default 50
   */
  maxProblems?: number;
  /** Stops reading (the generator throws the signal's reason) when it aborts. @default none */
  signal?: AbortSignal;
  /** Takes the input hash of exactly the bytes read, by the rule of hash.ts. @default none */
  hash?: InputHash;
  /** Unknown fields are problems (`--strict`). @default false */
  strict?: boolean;
  /**
   * A problem of a valid task's code that keeps it from ever running (validate compiles it),
   * reported as a problem of its line instead of the task. @default none
   */
  checkCode?: (task: Task) => FieldProblem | undefined;
}
