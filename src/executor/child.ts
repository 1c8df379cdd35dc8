/**
 * The executor process: the same binary started in executor mode by the pool. It runs one
 * attempt at a time in the sandbox and answers each request with its outcome. It holds no run
 * state, so the supervisor can kill and replace it at any moment.
 */
import { createSandbox } from "../sandbox";
import { readLines, type FromExecutor, type ToExecutor } from "./protocol";

export async function runExecutorChild(largeStack: boolean): Promise<void> {
  // Ctrl-C in a terminal signals the whole process group. The supervisor decides when executors
  // stop (it gives attempts in flight a grace period, then kills them), so they ignore it.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  const sandbox = createSandbox({ largeStack });
  const out = Bun.stdout.writer();
  const send = (message: FromExecutor) => {
    out.write(`${JSON.stringify(message)}\n`);
    out.flush();
  };
  let stopping = false;
  await readLines(Bun.stdin.stream(), async (line) => {
    if (stopping) return;
    const message = JSON.parse(line) as ToExecutor;
    switch (message.type) {
      case "attempt":
        // Engines (WASM modules) load asynchronously; once loaded for a memory cap this is instant.
        await sandbox.prepare(message.request.memoryMb);
        send({ type: "outcome", id: message.id, outcome: sandbox.run(message.request) });
        break;
      case "shutdown":
        stopping = true;
        break;
      default: {
        const unknown: never = message;
        send({ type: "fatal", message: `unknown message ${JSON.stringify(unknown)}` });
      }
    }
  });
  sandbox.close();
  await out.end();
}
