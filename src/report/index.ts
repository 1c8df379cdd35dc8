/**
 * Reports (SPEC 9.2, 9.3): Markdown, JSON, HTML, JUnit and metrics (OpenMetrics) renderings of a
 * RunReport, and the `--out` directory in the original's layout. All pure functions of one
 * RunReport value, except the writers (writeOutDir, writeJunit, writeTextfile) of what they return.
 */
export * from "./types";
export { buildRunReport } from "./summary";
export { TaskTally } from "./tally";
export { ReportRecordSchema } from "./schema";
export { markdownReport } from "./markdown";
export { jsonReport } from "./json";
export { htmlReport } from "./html/page";
export { junitXml, writeJunit } from "./junit";
export { metricsText, writeTextfile } from "./metrics";
export { outDirFiles, writeOutDir } from "./outdir/write";
export { ifGone, isOutDirDir, isOutDirPath, SUMMARY_FILE as OUT_SUMMARY_FILE } from "./outdir/layout";
