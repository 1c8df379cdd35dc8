/**
 * The input component (SPEC 2): the task line schema, the streaming reader that turns a JSONL
 * file, stdin or a Phase 20 output directory into Tasks and Problems, and validation for
 * `buddy validate`.
 */
export { TaskInputSchema, RetryOverrideSchema, TASK_DEFAULTS, type TaskInput } from "./schema";
export { type Problem, formatProblem, LINE_FIELD, FILE_FIELD } from "./problems";
export { type InputItem, type ReadOptions, readTasks, MAX_PROBLEMS } from "./read";
export { type ValidationResult, validateFile } from "./validate";
export { type ByteStream, STDIN_NAME } from "./source";
export { MAX_LINE_BYTES } from "./lines";
export { deriveRisk } from "./normalize";
export { hashInput, InputHash } from "./hash";
export { PredictionRowSchema, ScheduleRowSchema } from "./phase20/rows";
export { PREDICTIONS_FILE, SCHEDULE_FILE } from "./phase20/tree";
