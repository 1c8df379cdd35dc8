/**
 * Reports (SPEC 9.2, 9.3): Markdown, JSON, HTML and JUnit renderings of a RunReport, and the
 * `--out` directory in the original's layout. All pure functions of one RunReport value, except
 * writeOutDir, which writes what outDirFiles returns.
 */
export * from "./types";
export { buildRunReport } from "./summary";
export { TaskTally, type RunFigures } from "./tally";
export { ReportRecordSchema } from "./schema";
export { runAgents, type RunAgent } from "./agents";
export { runRecommendations } from "./recommendations";
export { markdownReport } from "./markdown";
export { jsonReport } from "./json";
export { htmlReport } from "./html/page";
export { junitXml, writeJunit } from "./junit";
export { escapeXml } from "./format";
export { outDirFiles, writeOutDir } from "./outdir/write";
export { ifGone, isOutDirDir, isOutDirPath, SUMMARY_FILE as OUT_SUMMARY_FILE } from "./outdir/layout";
export { FEEDBACK_PHASES } from "./outdir/run-files";
export type { OutFile } from "./outdir/types";
