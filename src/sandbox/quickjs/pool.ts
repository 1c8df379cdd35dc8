/**
 * Engines cached per memory cap. Creating a module takes ~10 ms and a fresh runtime + context
 * ~0.1 ms (sandbox-notes 3(e)), so attempts reuse a healthy module and only get a fresh runtime.
 * An engine serves one attempt at a time: attempts of one executor interleave (SPEC 5), and a
 * module's linear memory is the one real bound on a task's memory, so two attempts sharing one
 * would share a cap and see each other's heap. An attempt takes an engine for itself and gives it
 * back when it ends; a module that ran out of memory, threw a host error or failed to dispose is
 * discarded instead, never reused (SPEC 5).
 *
 * Module creation is asynchronous in quickjs-emscripten, while an executor must know before an
 * attempt starts (and its deadline runs) that an engine is free for it: `prepare` is the bridge.
 * One spare is kept loading or loaded beyond the engines in use, so the next attempt rarely waits.
 */
import { MODULE_INITIAL_BYTES, wasmMemoryBytes } from "../limits";
import { loadEngine, type Engine } from "./engine";

/** Distinct memory caps kept loaded; each costs at least 16 MiB of memory per engine. */
const MAX_CAPS = 4;

/**
 * A WASM memory never shrinks: an engine whose attempt grew it beyond this is dropped, not kept,
 * so what an executor holds between attempts stays small whatever its attempts allocated.
 */
const KEPT_MEMORY_BYTES = 2 * MODULE_INITIAL_BYTES;

interface CapEntry {
  memoryMb: number;
  /** Loaded engines no attempt holds. */
  free: Engine[];
  loading: number;
  /** Settles when the next load finishes, one way or the other. */
  settled: Promise<void>;
  notify: () => void;
  /** Set by a failed load; reported once nothing is free and nothing loads. */
  lastError?: unknown;
  /** The cap once had all its spares: from then on one free engine is enough for `prepare`. */
  warm: boolean;
}

export class EnginePool {
  private readonly caps = new Map<number, CapEntry>();

  /** @param spares free engines kept per cap besides the ones in use */
  constructor(private readonly spares: number) {}

  /**
   * Resolves once an engine for `memoryMb` is free. The first time for a cap it also waits for
   * the spares, so that an engine discarded by the very next attempts is replaced at once.
   * Rejects only if no engine could be loaded.
   */
  async prepare(memoryMb: number): Promise<void> {
    const entry = this.entry(memoryMb);
    const wanted = () => (entry.warm ? 1 : 1 + this.spares);
    for (;;) {
      this.refill(entry, wanted());
      if (entry.free.length >= wanted()) break;
      if (entry.loading === 0) {
        if (entry.free.length > 0) break;
        throw entry.lastError ?? new Error("no sandbox engine could be loaded");
      }
      await entry.settled;
    }
    entry.warm = true;
  }

  /** An engine for one attempt with this cap, held until `release` or `discard`; waits for one if none is free. */
  async take(memoryMb: number): Promise<Engine> {
    for (;;) {
      const entry = this.entry(memoryMb);
      const engine = entry.free.pop();
      if (engine !== undefined) {
        this.refill(entry, this.spares);
        return engine;
      }
      // Attempts waiting together may find the engine one load made taken: each waits again.
      await this.prepare(memoryMb);
    }
  }

  /** Gives a healthy engine back for the next attempt. */
  release(memoryMb: number, engine: Engine): void {
    if (engine.memory.buffer.byteLength > KEPT_MEMORY_BYTES) return this.discard(memoryMb);
    const entry = this.caps.get(wasmMemoryBytes(memoryMb));
    // A cap evicted while the attempt ran: its engines go with the garbage collector.
    if (entry !== undefined) entry.free.push(engine);
  }

  /** Drops a poisoned engine for good: it is not given back, and a spare replaces it. */
  discard(memoryMb: number): void {
    const entry = this.caps.get(wasmMemoryBytes(memoryMb));
    if (entry !== undefined) this.refill(entry, this.spares);
  }

  /** Forgets every engine; their memory goes with the garbage collector. */
  clear(): void {
    this.caps.clear();
  }

  private entry(memoryMb: number): CapEntry {
    const key = wasmMemoryBytes(memoryMb);
    let entry = this.caps.get(key);
    if (entry === undefined) {
      entry = { memoryMb, free: [], loading: 0, settled: Promise.resolve(), notify: () => {}, warm: false };
      rearm(entry);
      this.caps.set(key, entry);
      this.evictBeyond(MAX_CAPS);
    }
    this.touch(key, entry);
    return entry;
  }

  /** Starts loading engines until `count` are free or on their way. */
  private refill(entry: CapEntry, count: number): void {
    while (entry.free.length + entry.loading < count) {
      entry.loading++;
      loadEngine(entry.memoryMb)
        .then(
          (engine) => void entry.free.push(engine),
          (error: unknown) => void (entry.lastError = error),
        )
        .finally(() => {
          entry.loading--;
          const notify = entry.notify;
          rearm(entry);
          notify();
        });
    }
  }

  /** Map order doubles as recency order. */
  private touch(key: number, entry: CapEntry): void {
    this.caps.delete(key);
    this.caps.set(key, entry);
  }

  private evictBeyond(limit: number): void {
    for (const key of this.caps.keys()) {
      if (this.caps.size <= limit) return;
      this.caps.delete(key);
    }
  }
}

function rearm(entry: CapEntry): void {
  entry.settled = new Promise((resolve) => {
    entry.notify = resolve;
  });
}
