/**
 * The progress line on stderr (SPEC 3), only when stderr is a terminal and not `--quiet`:
 * finished/total, %, failures, the wave, elapsed time and an ETA, redrawn in place; coloured
 * unless NO_COLOR is set. At the end, one human line says how the run ended and what to type
 * next. Pipes and CI logs get neither: stderr there carries messages only.
 */
import { escapeControls } from "../core";
import type { RunProgress } from "../harness";
import type { SummaryRecord } from "../records";
import { paintFor, painter, type Paint } from "./colour";
import { drawStatus, endStatus, stderrLine } from "./stderr";

/** Redraws at most this often, and at least this often for the clock. */
const REDRAW_MS = 100;
const TICK_MS = 1000;

export interface ProgressLine {
  update(progress: RunProgress): void;
  /** Ends the line, then says how `summary`'s run ended, when there is one. */
  done(summary?: SummaryRecord): void;
}

const SILENT: ProgressLine = { update: () => {}, done: () => {} };

export function progressLine(quiet: boolean): ProgressLine {
  if (quiet || !process.stderr.isTTY) return SILENT;
  const paint = paintFor(process.stderr);
  const startedAt = Date.now();
  let last: RunProgress | undefined;
  /** Tasks already final when this process started: they say nothing about its speed. */
  let finishedAtStart: number | undefined;
  let drawnAt = 0;
  const draw = () => {
    if (last === undefined) return;
    drawnAt = Date.now();
    drawStatus(statusText(last, drawnAt - startedAt, finishedAtStart ?? last.finished, paint));
  };
  const ticker = setInterval(draw, TICK_MS);
  ticker.unref();
  return {
    update(progress) {
      finishedAtStart ??= progress.finished;
      last = progress;
      if (Date.now() - drawnAt >= REDRAW_MS || progress.finished === progress.tasks) draw();
    },
    done(summary) {
      clearInterval(ticker);
      draw();
      endStatus();
      if (summary !== undefined) stderrLine(`buddy: ${endLine(summary, paint)}\n`);
    },
  };
}

/** `1:05`, `12:00:09`: elapsed and remaining times as a clock shows them. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, String(s % 60).padStart(2, "0")];
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** The remaining time at this process's own pace, once it has finished something. */
function eta(p: RunProgress, elapsedMs: number, finishedAtStart: number): string {
  const done = p.finished - finishedAtStart;
  if (p.finished >= p.tasks) return "0:00";
  if (done <= 0 || elapsedMs < 1000) return "—";
  return clock(((p.tasks - p.finished) * elapsedMs) / done);
}

export function statusText(p: RunProgress, elapsedMs: number, finishedAtStart: number, paint: Paint): string {
  const pct = p.tasks === 0 ? 100 : Math.floor((100 * p.finished) / p.tasks);
  const failed = p.failed === 0 ? "0 failed" : paint("red", `${p.failed} failed`);
  const wave = p.wave === 0 ? "" : ` · wave ${p.wave}/${p.waves}`;
  return `buddy: ${p.finished}/${p.tasks} tasks ${pct}% · ${failed}${wave} · ${clock(elapsedMs)} elapsed · ETA ${eta(p, elapsedMs, finishedAtStart)}`;
}

/** How the run ended, in one line a person reads, with the command to go on with. */
export function endLine(s: SummaryRecord, paint: Paint = painter(true)): string {
  const t = s.totals;
  const R = s.run_id;
  const failed = t.failed + t.rejected;
  const rejected = t.rejected > 0 ? ` (${t.rejected} rejected by the safety gates)` : "";
  switch (s.status) {
    case "completed":
      return paint("green", `run ${R} completed: ${t.succeeded}/${t.tasks} succeeded`);
    case "failed":
      return `${paint("red", `run ${R} failed: ${failed}/${t.tasks} failed`)}${rejected} — buddy show ${R} --tasks`;
    case "halted": {
      // A task id is the input's text: written out inert, as every message that quotes it.
      const by = s.halted_by ? ` at task ${escapeControls(s.halted_by.task_id)} (${s.halted_by.code})` : "";
      return `${paint("red", `run ${R} halted by --fail-fast${by}`)}: ${failed}/${t.tasks} failed, ${t.pending} not run — buddy show ${R} --tasks`;
    }
    case "interrupted":
      return `${paint("yellow", `run ${R} interrupted`)}: ${t.tasks - t.pending}/${t.tasks} finished, ${failed} failed — buddy resume ${R} continues it`;
  }
}
