/**
 * What the monitor remembers between waves. Plain data, so a resumed run rebuilds it by
 * replaying its finished waves through the monitor and gets the same verdicts.
 */
import type { PredictionPair } from "../feedback";

/**
 * An agent's record since it last joined (the run start, or the end of a quarantine): the
 * agent_failure rules are applied to it. Marking an agent failed sits it out for one wave and
 * starts it on a clean record, so it is judged again on new evidence, not on the old failures.
 */
export interface AgentRecord {
  tasks: number;
  succeeded: number;
  /** Failures in a row (ordered by end time), carried across waves; a success resets it. */
  streak: number;
}

export interface MonitorHistory {
  agents: Record<string, AgentRecord>;
  /**
   * Prediction pairs of the latest waves, newest last: enough for prediction_drift's window
   * (the current wave, extended back wave by wave until it holds drift_min_tasks tasks).
   */
  recent: Array<{ wave: number; pairs: PredictionPair[] }>;
  /** Health score of every wave so far, oldest first (for the confidence trajectory). */
  health_scores: number[];
}

export function emptyHistory(): MonitorHistory {
  return { agents: {}, recent: [], health_scores: [] };
}

/** Keeps the newest waves that together hold at least `need` pairs; older ones can't matter. */
export function trimRecent(recent: MonitorHistory["recent"], need: number): MonitorHistory["recent"] {
  let count = 0;
  let start = recent.length;
  while (start > 0 && count < need) count += recent[--start]!.pairs.length;
  return recent.slice(start);
}
