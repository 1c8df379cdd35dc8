/**
 * The input component (SPEC 2): the task line schema, the streaming reader that turns a JSONL
 * file, stdin or a Phase 20 output directory into Tasks and Problems, and validation for
 * `buddy validate`.
 */
export { TaskInputSchema } from "./schema";
export { formatProblem, LINE_FIELD, type FieldProblem, type Problem } from "./problems";
export type { InputItem, ReadOptions } from "./item";
export { readTasks } from "./read";
export { validateFile } from "./validate";
export { relocatedLines, type RelocateOptions } from "./relocate";
export { scriptPathIn } from "./script-place";
export type { ByteStream } from "./source";
export { sourceName } from "./source";
export { hashInput, InputHash } from "./hash";
