/**
 * How the wave's work spread over the agents, from observed busy time. Shared by the
 * coordination signal and the monitor so the two can never disagree about one wave.
 *
 * Only the agents that *should* have had work are compared: the k busiest agents not marked
 * failed, k = min(available agents, tasks). An agent sitting out a wave because the monitor
 * failed it is not idle capacity, and with 2 tasks on 4 agents two idle agents are not an
 * imbalance — but 2 tasks on one agent while another idles is.
 */
import type { WaveObservation } from "../core";

export interface WaveLoad {
  /** Agents not marked failed (all agents when every one is: they all got work then). */
  available: string[];
  /** k: how many agents could have shared the work. */
  lanes: number;
  /** Busy ms of the k busiest available agents, busiest first. */
  lane_busy_ms: number[];
  total_busy_ms: number;
  /** The busiest agent's busy time: the wave's makespan as far as agents' work goes. */
  makespan_ms: number;
  /** total busy / k: the makespan of a perfect split. */
  ideal_makespan_ms: number;
  /** makespan / ideal; 1 when nothing was busy. */
  makespan_ratio: number;
  /** min / max over the lanes; 1 when nothing was busy. */
  load_balance: number;
  /** max / min over the lanes; 1 when nothing was busy, Infinity when a lane stayed idle. */
  imbalance_ratio: number;
}

/**
 * Busy time counts attempts only: retry waits and executor start-up are not an agent's work, and
 * counting them would call every wave with a retry badly coordinated.
 */
export function waveLoad(obs: WaveObservation): WaveLoad {
  const notFailed = obs.agents.filter((a) => !a.failed);
  const pool = notFailed.length > 0 ? notFailed : obs.agents;
  const lanes = Math.min(pool.length, obs.tasks.length);
  const lane_busy_ms = pool.map((a) => a.busy_ms).sort((a, b) => b - a).slice(0, lanes);
  const total_busy_ms = obs.agents.reduce((s, a) => s + a.busy_ms, 0);
  const max = lane_busy_ms[0] ?? 0;
  const min = lane_busy_ms[lane_busy_ms.length - 1] ?? 0;
  const ideal = lanes === 0 ? 0 : total_busy_ms / lanes;
  return {
    available: pool.map((a) => a.agent_id),
    lanes,
    lane_busy_ms,
    total_busy_ms,
    makespan_ms: max,
    ideal_makespan_ms: ideal,
    makespan_ratio: ideal === 0 ? 1 : max / ideal,
    load_balance: max === 0 ? 1 : min / max,
    imbalance_ratio: max === 0 ? 1 : min === 0 ? Infinity : max / min,
  };
}
