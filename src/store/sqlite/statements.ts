/**
 * Every statement the store runs, prepared once when the store opens: the hot paths (ingest,
 * apply) then only bind and step, never compile SQL.
 */
import type { Database } from "bun:sqlite";
import { assignmentStatements } from "./assignments";
import { attemptStatements } from "./attempts";
import { feedbackStatements } from "./feedback";
import { runStatements } from "./runs";
import { taskStatements } from "./tasks";
import { violationStatements } from "./violations";
import { waveStatements } from "./waves";

export function prepareStatements(db: Database) {
  return {
    runs: runStatements(db),
    tasks: taskStatements(db),
    attempts: attemptStatements(db),
    assignments: assignmentStatements(db),
    waves: waveStatements(db),
    violations: violationStatements(db),
    feedback: feedbackStatements(db),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
