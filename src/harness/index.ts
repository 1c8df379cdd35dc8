export { startRun, resumeRun, type HarnessDeps, type RunInput, type RunResult } from "./run";
export { executeRun } from "./execute";
export { INTERRUPT_GRACE_MS } from "./interrupt";
export * from "./records";
export { violationRecord } from "./violation-record";
export { runSnippet, type SnippetOptions } from "./snippet";
export { loadRunReport } from "./report-data";
export type { Artifacts } from "./artifacts";
export { recalibrate, applyCalibration, type Recalibration } from "./recalibrate";
