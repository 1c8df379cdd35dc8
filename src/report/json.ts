/** The JSON report: the RunReport itself plus the figures the Markdown derives from it. */
import { runAgents } from "./agents";
import { runRecommendations } from "./recommendations";
import type { RunReport } from "./types";

export function jsonReport(r: RunReport): string {
  const report = { type: "report", ...r, agents: runAgents(r), recommendations: runRecommendations(r) };
  return `${JSON.stringify(report, null, 2)}\n`;
}
