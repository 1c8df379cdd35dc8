/**
 * Engines cached per memory cap. Creating a module takes ~10 ms and a fresh runtime + context
 * ~0.1 ms (sandbox-notes 3(e)), so attempts reuse a healthy module and only get a fresh runtime.
 * A module that ran out of memory, threw a host error or failed to dispose is discarded, never
 * reused (SPEC 5): the next ready spare takes its place at once, and a replacement loads in the
 * background.
 *
 * Module creation is asynchronous in quickjs-emscripten, while an attempt takes its engine the
 * moment it starts (and replaces a discarded one with a ready spare at once); `prepare` is the
 * bridge between the two.
 */
import { wasmMemoryBytes } from "../limits";
import { loadEngine, type Engine } from "./engine";

/** Distinct memory caps kept loaded; each costs at least 16 MiB of memory per engine. */
const MAX_CAPS = 4;

interface CapEntry {
  /** Ready engines; the first one serves attempts, the rest are spares. */
  ready: Engine[];
  loading: number;
  /** Settles when the next load finishes, one way or the other. */
  settled: Promise<void>;
  notify: () => void;
  /** Set by a failed load; `prepare` reports it once nothing is ready. */
  lastError?: unknown;
  /** The cap once had all its spares: from then on one ready engine is enough for `prepare`. */
  warm: boolean;
}

export class EnginePool {
  private readonly caps = new Map<number, CapEntry>();

  /** @param spares ready engines kept per cap besides the one in use */
  constructor(private readonly spares: number) {}

  /**
   * Resolves once an engine for `memoryMb` is ready. The first time for a cap it also waits for
   * the spares, so that an engine discarded by the very next attempts is replaced at once.
   * Rejects only if no engine could be loaded.
   */
  async prepare(memoryMb: number): Promise<void> {
    const entry = this.entry(memoryMb);
    this.refill(memoryMb, entry);
    const wanted = () => (entry.warm ? 1 : 1 + this.spares);
    while (entry.ready.length < wanted()) {
      if (entry.loading === 0) {
        if (entry.ready.length > 0) break;
        throw entry.lastError ?? new Error("no sandbox engine could be loaded");
      }
      await entry.settled;
    }
    entry.warm = true;
  }

  /** The engine for an attempt with this cap, or undefined when none is ready yet. */
  take(memoryMb: number): Engine | undefined {
    const entry = this.caps.get(wasmMemoryBytes(memoryMb));
    if (entry === undefined) return undefined;
    this.touch(wasmMemoryBytes(memoryMb), entry);
    return entry.ready[0];
  }

  /** Drops a poisoned engine for good and starts loading its replacement. */
  discard(memoryMb: number, engine: Engine): void {
    const entry = this.caps.get(wasmMemoryBytes(memoryMb));
    if (entry === undefined) return;
    entry.ready = entry.ready.filter((e) => e !== engine);
    this.refill(memoryMb, entry);
  }

  /** Forgets every engine; their memory goes with the garbage collector. */
  clear(): void {
    this.caps.clear();
  }

  private entry(memoryMb: number): CapEntry {
    const key = wasmMemoryBytes(memoryMb);
    let entry = this.caps.get(key);
    if (entry === undefined) {
      entry = { ready: [], loading: 0, settled: Promise.resolve(), notify: () => {}, warm: false };
      rearm(entry);
      this.caps.set(key, entry);
      this.evictBeyond(MAX_CAPS);
    }
    this.touch(key, entry);
    return entry;
  }

  private refill(memoryMb: number, entry: CapEntry): void {
    while (entry.ready.length + entry.loading < 1 + this.spares) {
      entry.loading++;
      loadEngine(memoryMb)
        .then(
          (engine) => void entry.ready.push(engine),
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
