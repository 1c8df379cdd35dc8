export { startRun, executeRun, type HarnessDeps, type RunInput, type RunResult } from "./run";
export * from "./records";
export { runSnippet, type SnippetOptions } from "./snippet";
