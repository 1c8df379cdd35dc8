/**
 * What a finished wave looks like to the feedback loop, the monitor and the reports: the
 * harness builds one of these per wave and hands it over; those components compute from it and
 * never reach into the store or the executor.
 */
import type { FinishedTask } from "./finished";
import type { CoordinationPlan } from "./plan";
import type { StrategyName } from "./task";

/** The fields of one violation log entry (SPEC 5); the store keeps the time as epoch ms, files as ISO. */
export interface ViolationFields {
  run_id: string;
  task_id: string;
  attempt: number;
  /** `${run_id}/${task_id}/${attempt}`: names the attempt in one field. */
  execution_id: string;
  violation_type: string;
  details: string;
  /** The first 200 characters of the task's code. */
  code_preview: string;
}

/** One placement of a task on an agent (SPEC 4.2), as the manager made it. */
export interface Assignment {
  task_id: string;
  agent_id: string;
  wave: number;
  strategy: StrategyName;
  predicted_success_probability: number;
  priority: number;
  assigned_at: number;
  reason: string;
}

/** One agent as the wave left it. */
export interface AgentObservation {
  agent_id: string;
  /** Busy time in this wave: sum of its attempts' durations (ms). */
  busy_ms: number;
  /** Marked failed by the monitor before this wave (got no tasks in it). */
  failed: boolean;
}

export interface WaveObservation {
  run_id: string;
  wave: number;
  strategy: StrategyName;
  /** Every agent of the run, in index order. */
  agents: AgentObservation[];
  /** The wave's finished tasks. */
  tasks: FinishedTask[];
  /** Tasks taken from another agent's queue (load_balanced). */
  steals: number;
  /** The coordination plan of the wave (SPEC 4.2), as the manager made it. */
  plan: CoordinationPlan;
  started_at: number;
  ended_at: number;
}
