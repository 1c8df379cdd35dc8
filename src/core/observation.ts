/**
 * What a finished wave looks like to the feedback loop, the monitor and the reports: the
 * harness builds one of these per wave and hands it over; those components compute from it and
 * never reach into the store or the executor.
 */
import type { AttemptError, Risk, TaskStatus } from "./task";

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
  strategy: string;
  predicted_success_probability: number;
  priority: number;
  assigned_at: number;
  reason: string;
}

/** One task's final outcome within its wave. */
export interface TaskObservation {
  task_id: string;
  wave: number;
  agent_id: string;
  status: TaskStatus;
  attempts: number;
  predicted_success_probability: number;
  risk_assessment: Risk;
  priority: number;
  agent_predictions?: Record<string, number>;
  /** Durations of each attempt, in order (ms). */
  attempt_durations_ms: number[];
  /** Wall time from first attempt start to final state (ms). */
  duration_ms: number;
  started_at: number;
  ended_at: number;
  error: AttemptError | null;
  simulated: boolean;
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
  strategy: string;
  /** Every agent of the run, in index order. */
  agents: AgentObservation[];
  tasks: TaskObservation[];
  /** Tasks taken from another agent's queue (load_balanced). */
  steals: number;
  /** The coordination plan of the wave (SPEC 4.2), as the manager made it. */
  plan: {
    planned_load: Record<string, number>;
    expected_makespan: number;
    load_balance_score: number;
    parallelization_factor: number;
  };
  started_at: number;
  ended_at: number;
}
