/**
 * One engine = one QuickJS WASM module with its own capped linear memory. The cap is the only
 * real bound on a task's total memory: QuickJS's own limit sees just single allocations under
 * Emscripten (sandbox-notes 2.3). This file and its siblings are the only importers of
 * quickjs-emscripten (STYLE: each third-party package is imported from one place).
 */
import variantExport from "@jitl/quickjs-singlefile-cjs-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import { MODULE_INITIAL_BYTES, wasmMemoryBytes } from "../limits";
import { OverflowMark } from "./overflow-mark";

const WASM_PAGE = 64 * 1024;

/**
 * The variant object. Under `bun run` a default import of this CommonJS package is its
 * `exports.default`, but in the compiled binary it is the whole `module.exports` object, with the
 * variant under `default`. `newVariant` spreads what it is given, and quickjs-emscripten then
 * unwraps that `default` again, silently dropping the `wasmMemory` option: the binary ran every
 * task with an uncapped memory (a 32 MiB task reached 1.9 GB) while every in-process test passed.
 */
const variant: QuickJSSyncVariant = (variantExport as { default?: QuickJSSyncVariant }).default ?? variantExport;

export interface Engine {
  readonly module: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  /** The memory's `maximum`, in bytes. */
  readonly maximumBytes: number;
  /** The last attempt to grow the memory failed: an allocation found no room under the cap. */
  readonly growFailed: () => boolean;
  /** Marks the engine's own stack-overflow errors, attempt by attempt. */
  readonly overflowMark: OverflowMark;
}

/** Loads a module whose memory cannot grow past what a task of `memoryMb` MiB may use. */
export async function loadEngine(memoryMb: number): Promise<Engine> {
  const maximumBytes = wasmMemoryBytes(memoryMb);
  const memory = new WebAssembly.Memory({
    initial: MODULE_INITIAL_BYTES / WASM_PAGE,
    maximum: maximumBytes / WASM_PAGE,
  });
  const growFailed = watchGrowth(memory);
  const compiled = await (firstCompile ??= compileOnce());
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: memory, wasmModule: compiled.module }));
  // The cap is the only real bound on a task's memory: never run without it (see `variant`).
  if (module.getWasmMemory() !== memory) throw new Error("the sandbox engine did not take its capped memory");
  return { module, memory, maximumBytes, growFailed, overflowMark: OverflowMark.find(module, memory, compiled.markAddress) };
}

interface Compiled {
  module: WebAssembly.Module;
  /** Where the first engine's stack-overflow literal was found: every instance has it there. */
  markAddress: number;
}

let firstCompile: Promise<Compiled> | undefined;

/**
 * The variant's WebAssembly code, compiled once per process. Engines are instances of it, each
 * with its own memory: compiling (and the engine's warming up of hot code, which JSC keeps per
 * compiled module) then happens once, not once per engine — an executor holds one engine per
 * attempt it interleaves. The singlefile variant hands its embedded bytes only to
 * `WebAssembly.instantiate`, so the first load keeps the module that call compiled.
 */
function compileOnce(): Promise<Compiled> {
  const instantiate = WebAssembly.instantiate;
  let compiled: WebAssembly.Module | undefined;
  const keeping = async (...args: Parameters<typeof instantiate>) => {
    const result = await (instantiate as (...a: typeof args) => Promise<WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance>)(...args);
    if ("module" in result) compiled ??= result.module;
    return result;
  };
  WebAssembly.instantiate = keeping as typeof instantiate;
  const memory = new WebAssembly.Memory({ initial: MODULE_INITIAL_BYTES / WASM_PAGE, maximum: MODULE_INITIAL_BYTES / WASM_PAGE });
  const loaded = newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: memory }));
  const restored = loaded.finally(() => {
    WebAssembly.instantiate = instantiate;
  });
  return restored.then(
    (module) => {
      if (compiled === undefined) throw new Error("the sandbox engine's code was not compiled where expected");
      return { module: compiled, markAddress: OverflowMark.find(module, memory).address };
    },
    (error: unknown) => {
      firstCompile = undefined;
      throw error;
    },
  );
}

/**
 * Emscripten grows the memory with 20 %, 10 % or 5 % to spare and gives up when none of them
 * fits under the maximum, so an allocation can fail with the memory up to 5 % short of its cap
 * (and QuickJS then often throws `null`: it cannot allocate the error either). Watching `grow`
 * on our memory object tells exactly: the last request failed, and no later one succeeded.
 */
function watchGrowth(memory: WebAssembly.Memory): () => boolean {
  let failed = false;
  const grow = memory.grow.bind(memory);
  memory.grow = (delta: number): number => {
    try {
      const previous = grow(delta);
      failed = false;
      return previous;
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  return () => failed;
}

/**
 * A module whose memory refused to grow: some allocation failed, so its heap is suspect. Only a
 * refusal is a fact; a memory grown close to its maximum is not (Emscripten grows by up to 20 %
 * at once, so a task holding 53 of 64 MiB may already sit at the maximum and still succeed).
 */
export function reachedCap(engine: Engine): boolean {
  return engine.growFailed();
}

/** A module with the variant's default memory, for the bare benchmark cycle. */
export function loadBareModule(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant(variant);
}
