/**
 * The heuristic_feedback signal (SPEC 7 → Phase 16): whether the heuristics behind the
 * predictions — risk levels and priorities — separate tasks that succeed from tasks that fail.
 */
import { outcomeOf, type FinishedTask, type WaveObservation } from "../core";
import { fixed, highLow } from "./format";
import { ranTasks } from "./pairs";
import { correlation, mean } from "./stats";
import type { GroupOutcome, HeuristicContent } from "./types";

const RISKS = ["LOW", "MEDIUM", "HIGH"] as const;
/** A group's observed rate this far from its predictions is worth telling Phase 16. */
const NOTABLE_GAP = 0.1;
const MIN_GROUP = 3;

function outcomeOfGroup(tasks: readonly FinishedTask[]): GroupOutcome {
  const mean_predicted = mean(tasks.map((t) => t.task.predicted_success_probability));
  const observed_rate = mean(tasks.map(outcomeOf));
  return {
    tasks: tasks.length,
    mean_predicted,
    observed_rate,
    gap: mean_predicted === null || observed_rate === null ? null : observed_rate - mean_predicted,
  };
}

export function heuristicContent(obs: WaveObservation): HeuristicContent {
  const ran = ranTasks(obs.tasks);
  const priorities = [...new Set(ran.map((t) => t.task.priority))].sort((a, b) => a - b);
  return {
    // Every risk level is listed, even when empty, so consumers find the same keys each wave.
    by_risk: RISKS.map((risk) => ({ risk, ...outcomeOfGroup(ran.filter((t) => t.task.risk_assessment === risk)) })),
    by_priority: priorities.map((priority) => ({ priority, ...outcomeOfGroup(ran.filter((t) => t.task.priority === priority)) })),
    confidence_success_correlation: correlation(ran.map((t) => t.task.predicted_success_probability), ran.map(outcomeOf)),
  };
}

export function heuristicRecommendations(c: HeuristicContent): string[] {
  const out: string[] = [];
  for (const g of c.by_risk) {
    if (g.tasks >= MIN_GROUP && g.gap !== null && Math.abs(g.gap) >= NOTABLE_GAP) {
      out.push(`${g.risk}-risk predictions run ${highLow(-g.gap)} (observed ${fixed(g.observed_rate!)} vs ${fixed(g.mean_predicted!)} over ${g.tasks} tasks)`);
    }
  }
  const rate = (risk: string) => c.by_risk.find((g) => g.risk === risk && g.tasks >= MIN_GROUP)?.observed_rate ?? null;
  const low = rate("LOW");
  const high = rate("HIGH");
  if (low !== null && high !== null && high >= low) {
    out.push(`HIGH-risk tasks succeeded as often as LOW-risk ones (${fixed(high)} vs ${fixed(low)}): the risk heuristic does not separate them`);
  }
  for (const g of c.by_priority) {
    if (g.tasks >= MIN_GROUP && g.gap !== null && Math.abs(g.gap) >= NOTABLE_GAP) {
      out.push(`priority ${g.priority} predictions run ${highLow(-g.gap)} over ${g.tasks} tasks`);
    }
  }
  const r = c.confidence_success_correlation;
  if (r !== null && r <= 0) {
    out.push(`predicted probability does not track success (correlation ${fixed(r)}); revisit the features behind it`);
  }
  if (out.length === 0) out.push("risk levels and priorities matched observed outcomes; keep the heuristics");
  return out;
}
