/**
 * SPEC 10's second row: the same trivial tasks run as one `node` process per task, as many at
 * once as CPU cores (what GNU parallel gives), against buddy running them. Only `node` is
 * needed. The node pool stops starting processes at its ceiling; its time for all the tasks is
 * then its rate over the ones it ran, and the row says so.
 */
import { buddyTrivial, trivialTask } from "./trivial";
import { atLeast, round, row, type Row } from "./goal";

export const NODE_PER_TASK = atLeast(100, "x faster than node per task");

/** A task's code as `node -e` runs it: the body of an async function, its value printed as JSON. */
const nodeScript = (code: string) => `(async () => { ${code} })().then((r) => process.stdout.write(JSON.stringify(r)))`;

/** Runs up to `count` tasks, `parallel` at a time, starting none after `ceilingMs`. */
async function nodePool(count: number, parallel: number, ceilingMs: number): Promise<{ ran: number; ms: number }> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < count && performance.now() - start < ceilingMs) {
      const task = trivialTask(next++);
      const proc = Bun.spawn(["node", "-e", nodeScript(task.code)], { stdout: "pipe", stderr: "inherit" });
      const out = await new Response(proc.stdout).text();
      if ((await proc.exited) !== 0 || out !== "1") throw new Error(`node -e for ${task.task_id} printed ${JSON.stringify(out)}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { ran: next, ms: performance.now() - start };
}

export async function nodePerTaskRow(tasks: number, threads: number, ceilingMs: number): Promise<Row> {
  const buddyMs = await buddyTrivial(tasks, threads, "node-row");
  const node = await nodePool(tasks, threads, ceilingMs);
  const nodeMs = (node.ms / node.ran) * tasks;
  return row(nodeMs / buddyMs, NODE_PER_TASK, {
    tasks,
    parallel: threads,
    buddy_s: round(buddyMs / 1000),
    node_s: round(nodeMs / 1000),
    node_tasks_run: node.ran,
    ...(node.ran < tasks && { note: `node ran ${node.ran} of ${tasks} tasks before its ${ceilingMs / 1000} s ceiling; node_s is that rate over ${tasks}` }),
  });
}
