/**
 * A Store held in memory: the fake the harness's unit tests run on, and a second implementation
 * of the Store interface that the contract suite (test/contract) runs unchanged, so the contract
 * is known to be about behaviour, not about SQLite. Handles opened with `connect()` share one
 * state, like two processes on one database file. Every write batch is applied to a copy that
 * replaces the state only when the whole batch succeeded, so a batch is atomic.
 */
import { BuddyError, isFinished, type GateDecision, type Task } from "../../src/core";
import type { Signal } from "../../src/feedback";
import type { Anomaly } from "../../src/monitor";
import type {
  AssignmentRow,
  AttemptRow,
  Lease,
  LeaseClaim,
  LeaseGrant,
  LeaseRow,
  NewRun,
  RunIngest,
  RunRow,
  Store,
  StoredTask,
  StoreWrite,
  ViolationRow,
  WaveDocumentRow,
  WaveRow,
} from "../../src/store";

interface LeaseSlot {
  token: number;
  held: Omit<LeaseRow, "run_id" | "token"> | null;
}

interface RunState {
  row: RunRow;
  /** Input order. */
  tasks: Map<string, StoredTask>;
  attempts: Map<string, AttemptRow[]>;
  assignments: Map<string, AssignmentRow>;
  waves: Map<number, WaveRow>;
  gates: Map<string, GateDecision[]>;
  signals: Map<string, WaveDocumentRow<Signal>>;
  anomalies: Map<string, WaveDocumentRow<Anomaly>>;
  providerState: unknown;
}

interface State {
  /** Creation order: the newest is last. */
  runs: Map<string, RunState>;
  violations: ViolationRow[];
  leases: Map<string, LeaseSlot>;
}

const clone = <T>(value: T): T => structuredClone(value);
const storeError = (message: string) => new BuddyError("STORE", message);

/** The shared state of one in-memory database; each `connect()` is a handle on it. */
export class MemoryDatabase {
  state: State = { runs: new Map(), violations: [], leases: new Map() };
  /** The clock leases are timed by (the backend's clock, SPEC 11). */
  constructor(readonly now: () => number = Date.now) {}

  connect(location = "memory"): Store {
    return new MemoryStore(this, location);
  }
}

class MemoryStore implements Store {
  /** Nothing on disk for `--out` or `--junit` to replace. */
  readonly files = [];
  #closed = false;
  /** An ingest is open on this handle: every other call is refused, as on every backend. */
  #ingesting: (() => void) | null = null;
  constructor(
    private readonly db: MemoryDatabase,
    readonly location: string,
  ) {}

  async beginRun(run: NewRun): Promise<RunIngest> {
    this.#open();
    if (this.db.state.runs.has(run.run_id)) throw storeError(`run ${run.run_id} already exists`);
    const tasks = new Map<string, StoredTask>();
    let open = true;
    const ensureOpen = () => {
      if (!open) throw new BuddyError("INTERNAL", `the ingest of run ${run.run_id} is already committed or aborted`);
    };
    const finish = () => {
      open = false;
      this.#ingesting = null;
    };
    this.#ingesting = finish;
    return {
      addTask: async (task: Task) => {
        ensureOpen();
        if (tasks.has(task.task_id)) throw storeError(`task ${task.task_id} appears twice in run ${run.run_id}`);
        tasks.set(task.task_id, { task: clone(task), status: "pending", agent_id: null, attempts: 0 });
      },
      commit: async () => {
        ensureOpen();
        if (this.db.state.runs.has(run.run_id)) throw storeError(`run ${run.run_id} already exists`);
        const waves = new Set([...tasks.values()].map((t) => t.task.wave));
        const row: RunRow = { ...clone(run), status: "running", started_at: null, ended_at: null, task_count: tasks.size, wave_count: waves.size, summary: null };
        this.db.state.runs.set(run.run_id, emptyRun(row, tasks));
        finish();
      },
      abort: async () => {
        if (open) finish();
      },
    };
  }

  async apply(writes: readonly StoreWrite[], fence?: Lease): Promise<void> {
    this.#open();
    if (writes.length === 0 && fence === undefined) return;
    const next = clone(this.db.state);
    if (fence) renew(next, fence, this.db.now());
    for (const w of writes) applyOne(next, w);
    this.db.state = next;
  }

  async acquireLease(run_id: string, claim: LeaseClaim): Promise<LeaseGrant> {
    this.#open();
    const state = this.db.state;
    if (!state.runs.has(run_id)) throw storeError(`run ${run_id} is not in the store ${this.location}`);
    const at = this.db.now();
    const slot = state.leases.get(run_id) ?? { token: 0, held: null };
    const current = slot.held ? { run_id, token: slot.token, ...slot.held } : null;
    if (current && at - current.heartbeat_at <= claim.period_ms && !claim.holderIsDead(current)) {
      throw storeError(`run ${run_id} is being executed by another process: pid ${current.pid} on host ${current.host}`);
    }
    const token = slot.token + 1;
    state.leases.set(run_id, { token, held: { ...claim.holder, acquired_at: at, heartbeat_at: at } });
    return { lease: { run_id, owner: claim.holder.owner, token }, took_over: current };
  }

  async renewLease(lease: Lease): Promise<void> {
    this.#open();
    renew(this.db.state, lease, this.db.now());
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#open();
    const slot = this.db.state.leases.get(lease.run_id);
    if (slot?.held?.owner === lease.owner && slot.token === lease.token) slot.held = null;
  }

  async currentLease(run_id: string): Promise<LeaseRow | undefined> {
    const slot = this.#read().leases.get(run_id);
    return slot?.held ? clone({ run_id, token: slot.token, ...slot.held }) : undefined;
  }

  async getRun(run_id: string): Promise<RunRow | undefined> {
    const run = this.#read().runs.get(run_id);
    return run ? clone(run.row) : undefined;
  }

  async listRuns(limit = 50): Promise<RunRow[]> {
    const runs = [...this.#read().runs.values()].map((r) => r.row);
    // Newest first; of runs created in the same millisecond, the later one.
    return runs.map((row, i) => ({ row, i })).sort((a, b) => b.row.created_at - a.row.created_at || b.i - a.i).slice(0, limit).map((r) => clone(r.row));
  }

  async waves(run_id: string): Promise<number[]> {
    const tasks = this.#run(run_id)?.tasks.values() ?? [];
    return [...new Set([...tasks].map((t) => t.task.wave))].sort((a, b) => a - b);
  }

  async tasksOfWave(run_id: string, wave: number): Promise<StoredTask[]> {
    return (await this.tasks(run_id)).filter((t) => t.task.wave === wave);
  }

  async tasks(run_id: string): Promise<StoredTask[]> {
    const run = this.#run(run_id);
    if (!run) return [];
    return [...run.tasks.values()].sort((a, b) => a.task.seq - b.task.seq).map((t) => storedTask(t, run));
  }

  async attempts(run_id: string, task_id?: string): Promise<AttemptRow[]> {
    const run = this.#run(run_id);
    if (!run) return [];
    const ids = task_id === undefined ? (await this.tasks(run_id)).map((t) => t.task.task_id) : [task_id];
    return clone(ids.flatMap((id) => run.attempts.get(id) ?? []));
  }

  async assignments(run_id: string, wave?: number): Promise<AssignmentRow[]> {
    const run = this.#run(run_id);
    if (!run) return [];
    const seq = (a: AssignmentRow) => run.tasks.get(a.task_id)!.task.seq;
    return clone([...run.assignments.values()].filter((a) => wave === undefined || (a.wave === wave && run.tasks.get(a.task_id)!.task.wave === wave)).sort((a, b) => a.wave - b.wave || seq(a) - seq(b)));
  }

  async waveRecords(run_id: string): Promise<WaveRow[]> {
    return clone([...(this.#run(run_id)?.waves.values() ?? [])].sort((a, b) => a.wave - b.wave));
  }

  async violations(run_id?: string): Promise<ViolationRow[]> {
    const all = this.#read().violations.map((v, i) => ({ v, i })).filter(({ v }) => run_id === undefined || v.run_id === run_id);
    return clone(all.sort((a, b) => a.v.timestamp - b.v.timestamp || a.i - b.i).map(({ v }) => v));
  }

  async gateDecisions(run_id: string): Promise<GateDecision[]> {
    const run = this.#run(run_id);
    if (!run) return [];
    const seq = (d: GateDecision) => run.tasks.get(d.task_id)!.task.seq;
    const attempts = [...run.gates.values()].sort((a, b) => seq(a[0]!) - seq(b[0]!) || a[0]!.attempt - b[0]!.attempt);
    return clone(attempts.flat());
  }

  async signals(run_id: string): Promise<WaveDocumentRow<Signal>[]> {
    return byWave(this.#run(run_id)?.signals);
  }

  async anomalies(run_id: string): Promise<WaveDocumentRow<Anomaly>[]> {
    return byWave(this.#run(run_id)?.anomalies);
  }

  async providerState(run_id: string): Promise<unknown> {
    return clone(this.#run(run_id)?.providerState);
  }

  async close(): Promise<void> {
    this.#ingesting?.();
    this.#closed = true;
  }

  #run(run_id: string): RunState | undefined {
    return this.#read().runs.get(run_id);
  }

  #read(): State {
    this.#open();
    return this.db.state;
  }

  #open(): void {
    if (this.#closed) throw new BuddyError("INTERNAL", `the store ${this.location} is closed`);
    if (this.#ingesting) throw new BuddyError("INTERNAL", `an ingest is open on the store ${this.location}: commit or abort it first`);
  }
}

function emptyRun(row: RunRow, tasks: Map<string, StoredTask>): RunState {
  return { row, tasks, attempts: new Map(), assignments: new Map(), waves: new Map(), gates: new Map(), signals: new Map(), anomalies: new Map(), providerState: undefined };
}

/** A finished task's attempt durations are those of its ended attempts, as in every backend. */
function storedTask(t: StoredTask, run: RunState): StoredTask {
  if (!isFinished(t)) return clone(t);
  const durations = (run.attempts.get(t.task.task_id) ?? []).flatMap((a) => (a.duration_ms === null ? [] : [a.duration_ms]));
  return { ...clone(t), attempt_durations_ms: durations };
}

function byWave<T>(docs: Map<string, WaveDocumentRow<T>> | undefined): WaveDocumentRow<T>[] {
  return clone([...(docs?.values() ?? [])].map((d, i) => ({ d, i })).sort((a, b) => a.d.wave - b.d.wave || a.i - b.i).map(({ d }) => d));
}

function renew(state: State, lease: Lease, at: number): void {
  const slot = state.leases.get(lease.run_id);
  if (!slot?.held || slot.held.owner !== lease.owner || slot.token !== lease.token) {
    const by = slot?.held ? `it was taken over by pid ${slot.held.pid} on host ${slot.held.host} (lease token ${slot.token})` : "its lease was released";
    throw storeError(`run ${lease.run_id} is no longer this process's to execute: ${by}; stopping without reporting more`);
  }
  slot.held.heartbeat_at = at;
}

function runOf(state: State, run_id: string): RunState {
  const run = state.runs.get(run_id);
  if (!run) throw storeError(`run ${run_id} is not in the store`);
  return run;
}

function taskOf(state: State, run_id: string, task_id: string) {
  const task = runOf(state, run_id).tasks.get(task_id);
  if (!task) throw storeError(`task ${task_id} of run ${run_id} is not in the store`);
  return task;
}

function applyOne(state: State, w: StoreWrite): void {
  switch (w.kind) {
    case "run_started": {
      const row = runOf(state, w.run_id).row;
      Object.assign(row, { status: "running", started_at: row.started_at ?? w.at, ended_at: null });
      return;
    }
    case "assignment":
      taskOf(state, w.row.run_id, w.row.task_id).agent_id = w.row.agent_id;
      runOf(state, w.row.run_id).assignments.set(w.row.task_id, w.row);
      return;
    case "attempt_started": {
      const task = taskOf(state, w.run_id, w.task_id);
      Object.assign(task, { status: "running", agent_id: w.agent_id, attempts: w.attempt });
      const list = runOf(state, w.run_id).attempts.get(w.task_id) ?? [];
      const fresh: AttemptRow = { run_id: w.run_id, task_id: w.task_id, attempt: w.attempt, agent_id: w.agent_id, status: "running", started_at: w.at, ended_at: null, duration_ms: null, result_json: null, error: null, console: [], console_truncated: false };
      const kept = list.filter((a) => a.attempt !== w.attempt);
      runOf(state, w.run_id).attempts.set(w.task_id, [...kept, fresh].sort((a, b) => a.attempt - b.attempt));
      return;
    }
    case "attempt_ended": {
      const attempt = runOf(state, w.run_id).attempts.get(w.task_id)?.find((a) => a.attempt === w.attempt);
      if (!attempt) throw storeError(`attempt ${w.attempt} of task ${w.task_id} of run ${w.run_id} is not in the store`);
      Object.assign(attempt, { status: w.error ? "failed" : "succeeded", ended_at: w.at, duration_ms: w.duration_ms, result_json: w.result_json, error: w.error, console: w.console, console_truncated: w.console_truncated });
      return;
    }
    case "task_finished": {
      const f = w.finished;
      const run = runOf(state, w.run_id);
      taskOf(state, w.run_id, f.task.task_id);
      // The task as ingested, with the outcome; durations are read from the attempts.
      run.tasks.set(f.task.task_id, { ...f, task: run.tasks.get(f.task.task_id)!.task, attempt_durations_ms: [] });
      return;
    }
    case "violation":
      taskOf(state, w.row.run_id, w.row.task_id);
      state.violations.push(w.row);
      return;
    case "gate_decisions": {
      for (const d of w.decisions) taskOf(state, w.run_id, d.task_id);
      const first = w.decisions[0];
      if (first) runOf(state, w.run_id).gates.set(`${first.task_id}/${first.attempt}`, w.decisions);
      return;
    }
    case "signal":
      runOf(state, w.row.run_id).signals.set(w.row.id, w.row);
      return;
    case "anomaly":
      runOf(state, w.row.run_id).anomalies.set(w.row.id, w.row);
      return;
    case "provider_state":
      runOf(state, w.run_id).providerState = w.state;
      return;
    case "wave_ended":
      runOf(state, w.row.run_id).waves.set(w.row.wave, w.row);
      return;
    case "run_ended":
      Object.assign(runOf(state, w.run_id).row, { status: w.status, ended_at: w.at, summary: w.summary });
      return;
    default:
      throw new Error(`unknown store write ${JSON.stringify(w satisfies never)}`);
  }
}
