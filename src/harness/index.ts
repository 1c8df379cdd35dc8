export { startRun, resumeRun, executorAttempts, type AttemptRunner, type HarnessDeps, type RunInput, type RunResult } from "./run";
export { executeRun } from "./execute";
export { INTERRUPT_GRACE_MS } from "./interrupt";
export { runSnippet, type SnippetOptions } from "./snippet";
export { loadRunReport } from "./report-data";
export { checkArtifacts, type Artifacts } from "./artifacts";
export { recalibrate, applyCalibration } from "./recalibrate";
export { prepareSource, type PreparedSource } from "./source";
