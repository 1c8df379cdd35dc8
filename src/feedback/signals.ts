/**
 * waveSignals: the four learning signals of one finished wave (SPEC 7). Pure and deterministic:
 * the same observation and timestamp give the same signals, ids included, so two runs with the
 * same seed produce identical signal files apart from `generated_at`.
 */
import type { WaveObservation } from "../core";
import { agentPerformanceContent, agentRecommendations } from "./agent-performance";
import { coordinationContent, coordinationRecommendations } from "./coordination";
import { heuristicContent, heuristicRecommendations } from "./heuristic";
import { ranTasks } from "./pairs";
import { LISTED_TASKS, predictionContent, predictionRecommendations } from "./prediction";
import { TARGET_PHASE, type Signal, type SignalContentByType, type SignalOf, type SignalType } from "./types";

export interface SignalContext {
  /** ISO-8601 time stamped on every signal (passed in: the feedback loop reads no clock). */
  generated_at: string;
}

/** SPEC 7: confidence grows with the sample: n < 3 → 0.5, n ≤ 10 → 0.7, else 0.9. */
export function signalConfidence(n: number): number {
  if (n < 3) return 0.5;
  return n <= 10 ? 0.7 : 0.9;
}

/** Stable per run, wave and type: re-running a wave (resume) rewrites the same signal. */
const signalId = (run_id: string, wave: number, type: SignalType) => `${run_id}-w${wave}-${type}`;

export function waveSignals(obs: WaveObservation, ctx: SignalContext): Signal[] {
  // The sample is the tasks that ran: rejected ones never tested a prediction or an agent.
  const n = ranTasks(obs.tasks).length;
  // The cast: TypeScript cannot tie `content`'s type to `signal_type` through a generic T.
  const make = <T extends SignalType>(signal_type: T, content: SignalContentByType[T], recommendations: string[]) =>
    ({
      signal_id: signalId(obs.run_id, obs.wave, signal_type),
      run_id: obs.run_id,
      wave: obs.wave,
      signal_type,
      target_phase: TARGET_PHASE[signal_type],
      confidence: signalConfidence(n),
      content,
      recommendations,
      generated_at: ctx.generated_at,
    }) as SignalOf<T>;
  const agents = agentPerformanceContent(obs);
  const coordination = coordinationContent(obs);
  const heuristics = heuristicContent(obs);
  const predictions = predictionContent(obs, LISTED_TASKS);
  return [
    make("agent_performance", agents, agentRecommendations(agents)),
    make("multi_agent_coordination", coordination, coordinationRecommendations(coordination)),
    make("heuristic_feedback", heuristics, heuristicRecommendations(heuristics)),
    make("prediction_validation", predictions, predictionRecommendations(predictions, obs.run_id)),
  ];
}

/** The signals a phase's `phase21_feedback.jsonl` receives (SPEC 9.2). */
export function signalsForPhase(signals: readonly Signal[], phase: 16 | 18 | 20): Signal[] {
  return signals.filter((s) => s.target_phase === phase);
}
