/** `buddy validate FILE|-`: the same check as `run`, without running anything. */
import { EXIT } from "../../core";
import { formatProblem, validateFile } from "../../input";
import { inputArg } from "../context";
import type { ValidationRecord } from "../../records";
import { printJson } from "../io";

export async function validateCommand(args: { input: string; simulate?: boolean }): Promise<number> {
  const source = inputArg(args.input);
  const { problems, taskCount, waves } = await validateFile(source, { simulate: args.simulate === true });
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  printJson({ type: "validation", input: source, ok: problems.length === 0, tasks: taskCount, waves, problems: problems.map(formatProblem) } satisfies ValidationRecord);
  return problems.length === 0 ? EXIT.OK : EXIT.INPUT;
}
