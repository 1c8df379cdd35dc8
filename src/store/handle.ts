/**
 * What every Store handle refuses, the same on every backend: any call once it is closed, any
 * call but the ingest's own while an ingest is open (it would run inside the half-written run's
 * transaction), and writes on a handle opened read-only. Each is an INTERNAL error: a caller's bug.
 */
import { BuddyError } from "../core";
import type { RunIngest } from "./types";

export class HandleState {
  /** The open ingest, if any. */
  ingest: { run_id: string; handle: RunIngest } | null = null;
  closed = false;

  constructor(
    private readonly location: string,
    private readonly readonly: boolean,
  ) {}

  ensureWritable(): void {
    this.ensureIdle();
    if (this.readonly) throw new BuddyError("INTERNAL", `store ${this.location} is open read-only`);
  }

  ensureIdle(): void {
    if (this.closed) throw new BuddyError("INTERNAL", `store ${this.location} is closed`);
    if (this.ingest !== null) {
      throw new BuddyError("INTERNAL", `the ingest of run ${this.ingest.run_id} is open on store ${this.location}: commit or abort it first`);
    }
  }
}
