#!/usr/bin/env bun
/**
 * The entry point. It loads only what the invocation needs: `--version` answers before any
 * module is evaluated (SPEC 10: start-up ≤ 50 ms; yargs' help formatting alone costs ~25 ms to
 * load), executor processes load the sandbox and not the CLI, and every command loads the CLI.
 */
import pkg from "../../package.json";
import { EXECUTOR_ARG } from "../executor/protocol";

async function main(args: string[]): Promise<void> {
  if (args.length === 1 && args[0] === "--version") {
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  if (args[0] === EXECUTOR_ARG) {
    const { runExecutorChild } = await import("../executor/child");
    await runExecutorChild(process.env);
    return;
  }
  const { runCli } = await import("./app");
  await runCli(args);
}

// argv: [runtime, script, ...arguments], also in a compiled binary.
await main(process.argv.slice(2));
