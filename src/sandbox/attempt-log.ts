/**
 * What one attempt leaves behind on the host besides its result: captured console lines and
 * the violation log, and the rule that turns a failure after a blocked touch into VIOLATION.
 */
import { cap } from "./classify";
import type { ConsoleLevel } from "./guest/protocol";
import { CONSOLE_ENTRY_OVERHEAD_BYTES, CONSOLE_LIMIT_BYTES, VIOLATION_LIMIT } from "./limits";
import { violationForTouch } from "./policy";
import { capUtf8, utf8Length } from "./text";
import type { SandboxFailure, SandboxOutcome, SandboxViolation } from "./types";

export class AttemptLog {
  readonly console: string[] = [];
  consoleTruncated = false;
  readonly violations: SandboxViolation[] = [];
  private consoleBytes = 0;
  /** Touch names already recorded in this attempt. */
  private readonly touched = new Set<string>();
  /** Import refusals recorded, by details; they alone are capped (see `touch`). */
  private readonly imports = new Set<string>();

  constructor(private readonly code: string) {}

  /**
   * Records the first touch of each blocked name, in the order of first touches: `typeof fetch`
   * in a loop is one finding, not thousands, and no flood of touches of other names can crowd a
   * name out. Touch names come from a fixed table (the tripwires, providers), so this is bounded
   * without a cap; a cap here would let decoys fill it before the touch that matters.
   */
  touch(name: string): void {
    if (this.touched.has(name)) return;
    const violation = violationForTouch(name, this.code);
    if (violation === undefined) return;
    this.touched.add(name);
    this.violations.push(violation);
  }

  /**
   * Records an import refusal (a specifier the task chose, so not from a table): the same
   * specifier once, at most VIOLATION_LIMIT of them per attempt. They never displace a touch.
   */
  recordImport(violation: SandboxViolation): void {
    if (this.imports.has(violation.details) || this.imports.size >= VIOLATION_LIMIT) return;
    this.imports.add(violation.details);
    this.violations.push(violation);
  }

  /**
   * Characters the next console line may have (bytes ≥ characters, so this never undercounts);
   * 0 when not even an empty entry fits.
   */
  consoleRoom(): number {
    const room = CONSOLE_LIMIT_BYTES - this.consoleBytes - CONSOLE_ENTRY_OVERHEAD_BYTES;
    return this.consoleTruncated || room < 0 ? 0 : Math.max(1, room);
  }

  /**
   * One entry per console call; levels other than `log` are prefixed, e.g. "[warn] low disk". An
   * entry costs its UTF-8 bytes plus the per-entry overhead, so empty lines use up the budget too.
   */
  addConsole(level: ConsoleLevel, text: string): void {
    if (this.consoleTruncated) return;
    const room = CONSOLE_LIMIT_BYTES - this.consoleBytes - CONSOLE_ENTRY_OVERHEAD_BYTES;
    if (room < 0) {
      this.consoleTruncated = true;
      return;
    }
    const entry = level === "log" ? text : `[${level}] ${text}`;
    const kept = capUtf8(entry, room);
    if (kept !== entry) {
      this.consoleTruncated = true;
      if (kept.length === 0) return;
    }
    this.console.push(kept);
    this.consoleBytes += utf8Length(kept) + CONSOLE_ENTRY_OVERHEAD_BYTES;
  }

  /** A console call made after the budget was spent: dropped, and the output marked truncated. */
  dropConsole(): void {
    this.consoleTruncated = true;
  }

  /**
   * The attempt's outcome. A failed attempt that touched a blocked name ends as VIOLATION with
   * the type of its first touch (SPEC 5); a successful one keeps its result and still reports
   * the touches.
   */
  outcome(ending: { resultJson: string } | { error: SandboxFailure }, durationMs: number): SandboxOutcome {
    const base = {
      console: this.console,
      consoleTruncated: this.consoleTruncated,
      violations: this.violations,
      durationMs,
    };
    if ("resultJson" in ending) return { ok: true, resultJson: ending.resultJson, ...base };
    const first = this.violations[0];
    if (first === undefined || ending.error.code === "VIOLATION") {
      return { ok: false, error: ending.error, ...base };
    }
    const error: SandboxFailure = {
      code: "VIOLATION",
      violation_type: first.violation_type,
      message: cap(`${first.details}; the task then failed with ${ending.error.code}: ${ending.error.message}`),
    };
    return { ok: false, error, ...base };
  }
}
