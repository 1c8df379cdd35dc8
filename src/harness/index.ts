export { startRun, resumeRun } from "./run";
export { executorAttempts, type AttemptRunner, type HarnessDeps, type RunProgress, type RunResult } from "./deps";
export { RemoteAttempts } from "./remote";
export { runSnippet } from "./snippet";
export { loadRunReport } from "./report-data";
export { checkArtifacts, checkNotStore, checkWritableDirectory, type Artifacts } from "./artifacts";
export { fitRecalibration } from "./recalibration";
export { applyCalibration, prepareTaskFile } from "./apply-calibration";
export { prepareSource } from "./source";
