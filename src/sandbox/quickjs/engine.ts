/**
 * One engine = one QuickJS WASM module with its own capped linear memory. The cap is the only
 * real bound on a task's total memory: QuickJS's own limit sees just single allocations under
 * Emscripten (sandbox-notes 2.3). This file and its siblings are the only importers of
 * quickjs-emscripten (STYLE: each third-party package is imported from one place).
 */
import variant from "@jitl/quickjs-singlefile-cjs-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import { MODULE_INITIAL_BYTES, NEAR_CAP_BYTES, wasmMemoryBytes } from "../limits";

const WASM_PAGE = 64 * 1024;

export interface Engine {
  readonly module: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  /** The memory's `maximum`, in bytes. */
  readonly maximumBytes: number;
}

/** Loads a module whose memory cannot grow past what a task of `memoryMb` MiB may use. */
export async function loadEngine(memoryMb: number): Promise<Engine> {
  const maximumBytes = wasmMemoryBytes(memoryMb);
  const memory = new WebAssembly.Memory({
    initial: MODULE_INITIAL_BYTES / WASM_PAGE,
    maximum: maximumBytes / WASM_PAGE,
  });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: memory }));
  return { module, memory, maximumBytes };
}

/** A module whose memory grew to its cap: some allocation failed, so its heap is suspect. */
export function reachedCap(engine: Engine): boolean {
  return engine.memory.buffer.byteLength >= engine.maximumBytes - NEAR_CAP_BYTES;
}

/** A module with the variant's default memory, for the bare benchmark cycle. */
export function loadBareModule(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(variant);
}
