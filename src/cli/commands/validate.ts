/**
 * `buddy validate FILE|-`: the same check as `run`, without running anything, and one more: each
 * task's code is compiled in the sandbox (never run), so code that can never run (a syntax error)
 * is a problem here, with its place in the task's own code. `run` does not refuse it: there it is
 * that task's SYNTAX_ERROR, and the other tasks run.
 */
import type { Task } from "../../core";
import { formatProblem, validateFile, type FieldProblem } from "../../input";
import { EXIT } from "../../core";
import type { ValidationRecord } from "../../records";
import { TaskCompiler } from "../../sandbox";
import { inputArg } from "../context";
import { printJson } from "../io";
import { stderrLine } from "../stderr";

export async function validateCommand(args: { input: string; simulate?: boolean; strict?: boolean }): Promise<number> {
  const source = inputArg(args.input);
  const compiler = await TaskCompiler.create();
  try {
    const checkCode = (task: Task): FieldProblem | undefined => {
      if (task.code === undefined) return undefined;
      const problem = compiler.check(task.code, task.script);
      if (problem === undefined) return undefined;
      const at = problem.location === undefined ? "" : ` (at ${problem.location.file}:${problem.location.line}:${problem.location.column})`;
      return { field: task.script === undefined ? "code" : "script", message: `does not compile: ${problem.message}${at}` };
    };
    const { problems, warnings, taskCount, waves } = await validateFile(source, { simulate: args.simulate === true, strict: args.strict === true, checkCode });
    for (const w of warnings) stderrLine(`warning: ${formatProblem(w)}\n`);
    for (const p of problems) stderrLine(`${formatProblem(p)}\n`);
    printJson({
      type: "validation",
      input: source,
      ok: problems.length === 0,
      tasks: taskCount,
      waves,
      problems: problems.map(formatProblem),
      warnings: warnings.map(formatProblem),
    } satisfies ValidationRecord);
    return problems.length === 0 ? EXIT.OK : EXIT.INPUT;
  } finally {
    compiler.dispose();
  }
}
