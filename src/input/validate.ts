/**
 * validateFile: everything `buddy validate` needs (SPEC 1, 2.3), built on the same streaming
 * readTasks as `buddy run`, so the two can never disagree about what is valid.
 */
import type { ReadOptions } from "./item";
import type { Problem } from "./problems";
import { readTasks } from "./read";

export interface ValidationResult {
  /** In input order; the last may be the "more problems were omitted" notice. */
  problems: Problem[];
  /** Unknown fields that look like known ones, in input order. */
  warnings: Problem[];
  /** Valid tasks (lines with problems are not counted). */
  taskCount: number;
  /** Distinct waves of the valid tasks, ascending. */
  waves: number[];
}

export async function validateFile(source: string, options: ReadOptions = {}): Promise<ValidationResult> {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const waves = new Set<number>();
  let taskCount = 0;
  for await (const item of readTasks(source, options)) {
    if (item.kind === "problem") {
      problems.push(item.problem);
    } else if (item.kind === "warning") {
      warnings.push(item.problem);
    } else {
      taskCount += 1;
      waves.add(item.task.wave);
    }
  }
  return { problems, warnings, taskCount, waves: [...waves].sort((a, b) => a - b) };
}
