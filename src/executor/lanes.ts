/**
 * Executes one wave (SPEC 4.1): every agent works through its own queue with up to
 * `concurrency` tasks in flight. With stealing on (load_balanced), an agent whose queue is empty
 * takes the next queued task of the agent with the most queued work.
 */
import type { FinishedTask, Task } from "../core";
import type { Placement } from "../manager";
import { runTask, type TaskContext } from "./run-task";

export interface WaveOptions {
  /** Every eligible agent, so that agents without planned tasks can still steal. */
  agents: readonly string[];
  concurrency: number;
  steal: boolean;
  /** Called once per task as it reaches its final state. */
  onFinished(finished: FinishedTask): void;
  /** Called when an agent takes another agent's task. */
  onSteal?(task: Task, from: string, to: string): void;
  /** Stop taking new tasks (fail-fast, interruption); tasks in flight still finish. */
  shouldStop(): boolean;
  /** Attempt to start from, per task (resume). @default 1 */
  firstAttempt?(task: Task): number;
}

class AgentQueue {
  private head = 0;
  constructor(readonly agent_id: string, private readonly tasks: Task[] = []) {}
  push(task: Task) { this.tasks.push(task); }
  take(): Task | undefined { return this.head < this.tasks.length ? this.tasks[this.head++] : undefined; }
  get remaining() { return this.tasks.length - this.head; }
}

export async function runWave(placements: readonly Placement[], ctx: TaskContext, options: WaveOptions): Promise<{ steals: number }> {
  const queues = new Map<string, AgentQueue>(options.agents.map((id) => [id, new AgentQueue(id)]));
  for (const { task, agent } of placements) {
    let q = queues.get(agent.agent_id);
    if (!q) queues.set(agent.agent_id, (q = new AgentQueue(agent.agent_id)));
    q.push(task);
  }
  let steals = 0;
  const next = (own: AgentQueue): Task | undefined => {
    if (options.shouldStop()) return undefined;
    const task = own.take();
    if (task || !options.steal) return task;
    let victim: AgentQueue | undefined;
    for (const q of queues.values()) if (q.remaining > 0 && (!victim || q.remaining > victim.remaining)) victim = q;
    const stolen = victim?.take();
    if (stolen && victim) {
      steals++;
      options.onSteal?.(stolen, victim.agent_id, own.agent_id);
    }
    return stolen;
  };
  const lane = async (own: AgentQueue) => {
    for (let task = next(own); task; task = next(own)) {
      let final;
      try {
        final = await runTask(task, own.agent_id, ctx, options.firstAttempt?.(task) ?? 1);
      } catch (error) {
        // A stop cut the task short (interrupted wait or attempt): it stays unfinished, resumable.
        if (options.shouldStop()) return;
        throw error;
      }
      options.onFinished(final);
    }
  };
  const lanes: Promise<void>[] = [];
  for (const q of queues.values()) for (let i = 0; i < options.concurrency; i++) lanes.push(lane(q));
  await Promise.all(lanes);
  return { steals };
}
