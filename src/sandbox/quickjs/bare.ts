/**
 * The bare QuickJS cycle that SPEC 10 compares buddy's throughput against: create a runtime and
 * a context on a cached module, evaluate `1+1`, dispose. No limits, no bootstrap.
 */
import type { QuickJSWASMModule } from "quickjs-emscripten-core";
import { loadBareModule } from "./engine";

let bareModule: QuickJSWASMModule | undefined;

/** Loads the module `runBareCycle` uses; module creation is asynchronous in quickjs-emscripten. */
export async function prepareBareCycle(): Promise<void> {
  bareModule ??= await loadBareModule();
}

/** One bare cycle. Throws if `prepareBareCycle` has not completed (a benchmark-only helper). */
export function runBareCycle(): void {
  if (bareModule === undefined) throw new Error("await prepareBareCycle() before runBareCycle()");
  const runtime = bareModule.newRuntime();
  const context = runtime.newContext();
  context.evalCode("1+1").dispose();
  context.dispose();
  runtime.dispose();
}
