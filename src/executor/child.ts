/**
 * The executor process: the same binary started in executor mode by the pool. It runs one
 * attempt at a time in the sandbox and answers each request with its outcome. It holds no run
 * state, so the supervisor can kill and replace it at any moment. Messages keep being read
 * while an attempt runs, because an attempt waiting on a provider call needs its answer.
 */
import { createSandbox, type SandboxHost, type SandboxRequest } from "../sandbox";
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
  const queue: { id: number; request: SandboxRequest }[] = [];
  const answers = new Map<string, (resultJson: string) => void>();
  let wake: (() => void) | undefined;
  let inputEnded = false;

  const host = (id: number): SandboxHost => ({
    call: (provider, method, argsJson, seq) =>
      new Promise((resolve) => {
        answers.set(`${id}:${seq}`, resolve);
        send({ type: "provider_call", id, seq, provider, method, argsJson });
      }),
  });

  const reading = readLines(Bun.stdin.stream(), (line) => {
    const message = JSON.parse(line) as ToExecutor;
    switch (message.type) {
      case "attempt":
        queue.push({ id: message.id, request: message.request });
        break;
      case "provider_result": {
        const key = `${message.id}:${message.seq}`;
        answers.get(key)?.(message.resultJson);
        answers.delete(key);
        break;
      }
      case "shutdown":
        inputEnded = true;
        break;
      default: {
        const unknown: never = message;
        send({ type: "fatal", message: `unknown message ${JSON.stringify(unknown)}` });
      }
    }
    wake?.();
  }).finally(() => {
    inputEnded = true;
    wake?.();
  });

  for (;;) {
    const job = queue.shift();
    if (!job) {
      if (inputEnded) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    // Engines (WASM modules) load asynchronously; once loaded for a memory cap this is instant.
    await sandbox.prepare(job.request.memoryMb);
    send({ type: "outcome", id: job.id, outcome: await sandbox.run(job.request, host(job.id)) });
  }
  await reading;
  sandbox.close();
  await out.end();
}
