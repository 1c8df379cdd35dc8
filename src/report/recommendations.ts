/**
 * The report's closing advice: anomalies first (most severe first), then the latest wave's
 * signal recommendations, each said once.
 */
import type { Severity } from "../monitor";
import { wouldRejectTasks } from "./gates";
import type { RunReport } from "./types";

const RANK: Record<Severity, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };
/** Signal advice that only says "all is well" is left out of the closing list. */
const ROUTINE = /^(keep |agents performed as predicted|load was well balanced|risk levels and priorities matched|predictions are calibrated|no task ran)/;

/** How to finish what the run left: a stopped run resumes; a halted one is final, its rest runs anew. */
function notRun(report: RunReport): string[] {
  const { pending } = report.summary.totals;
  const { run_id, status } = report.run;
  if (pending === 0 || status === "running") return [];
  return status === "halted"
    ? [`${pending} task(s) not run after --fail-fast halted the run: \`buddy export ${run_id} --status pending | buddy run -\` runs them`]
    : [`${pending} task(s) not run: \`buddy resume ${run_id}\` finishes the run`];
}

/** What did not succeed, and the command that shows or re-runs it: a failed run never reads "no action needed". */
function unsuccessful(report: RunReport): string[] {
  const { failed, rejected } = report.summary.totals;
  const { run_id } = report.run;
  return [
    ...(failed > 0 ? [`${failed} task(s) failed: \`buddy show ${run_id} --tasks\` gives their errors; \`buddy export ${run_id} --status failed | buddy run -\` re-runs them`] : []),
    ...(rejected > 0 ? [`${rejected} task(s) rejected by the safety gates: their reasons say what would let them run (approved: true, a higher p, or a lower --min-confidence)`] : []),
  ];
}

export function runRecommendations(report: RunReport): string[] {
  const anomalies = report.waves
    .flatMap((w) => w.anomalies)
    .sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.wave - b.wave)
    .map((a) => `[${a.severity}] wave ${a.wave} ${a.anomaly_type}: ${a.recommendation}`);
  const last = report.waves[report.waves.length - 1];
  const advice = (last?.signals ?? []).flatMap((s) =>
    s.recommendations.filter((r) => !ROUTINE.test(r)).map((r) => `Phase ${s.target_phase} (${s.signal_type}): ${r}`),
  );
  const wouldReject = wouldRejectTasks(report);
  const gates = wouldReject > 0
    ? [`${wouldReject} task(s) would be rejected by a safety gate in live mode: review them before running with --live`]
    : [];
  const violations = report.summary.violations > 0
    ? [`${report.summary.violations} sandbox violation(s): the code of those tasks tries to reach beyond the sandbox`]
    : [];
  const all = [...notRun(report), ...unsuccessful(report), ...anomalies, ...violations, ...gates, ...advice];
  return all.length > 0 ? [...new Set(all)] : ["No action needed: the run met its predictions without anomalies."];
}
