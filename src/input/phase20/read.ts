/**
 * readPhase20Tree: the tasks of a Phase 20 output tree (SPEC 2.2), with every problem as
 * `FILE:LINE: field: message` pointing into the tree's files. Rows are held one wave at a time
 * (a join needs all of a wave's rows); waves are read and yielded in ascending order.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Task } from "../../core";
import { parseObject } from "../task-line";
import type { InputItem, ReadOptions } from "../item";
import { splitLines } from "../lines";
import { FILE_FIELD, type FieldProblem, LINE_FIELD, type Problem, show } from "../problems";
import { openSource } from "../source";
import { joinTask } from "./join";
import { checkPrediction, checkSchedule, type PredictionRow, type RowPlace, type ScheduleRow } from "./rows";
import { discoverTree, PREDICTIONS_FILE, SCHEDULE_FILE, type WaveDir } from "./tree";

type Parsed<T> = { line: number; row: T } | { line: number; problems: FieldProblem[] };

/** Every non-blank line of `file`, checked by `check`. */
async function* rowsOf<T>(
  file: string,
  check: (object: Record<string, unknown>, line: number) => T | FieldProblem[],
  options: ReadOptions & { root: string },
): AsyncGenerator<Parsed<T>> {
  const { hash, signal } = options;
  hash?.treeFile(options.root, file);
  const { chunks } = await openSource(file, hash ? { hash } : {});
  for await (const batch of splitLines(chunks)) {
    signal?.throwIfAborted();
    for (const raw of batch) {
      if ("stop" in raw) {
        yield { line: raw.line, problems: [{ field: FILE_FIELD, message: raw.stop }] };
        return;
      }
      if ("problem" in raw) {
        yield { line: raw.line, problems: [{ field: LINE_FIELD, message: raw.problem }] };
        continue;
      }
      if (raw.text.trim() === "") continue;
      const object = parseObject(raw.text);
      const checked = Array.isArray(object) ? object : check(object, raw.line);
      yield Array.isArray(checked) ? { line: raw.line, problems: checked } : { line: raw.line, row: checked };
    }
  }
}

const exists = (path: string) => stat(path).then((s) => s.isFile(), () => false);
const problemItems = (file: string, line: number | undefined, found: readonly FieldProblem[]): InputItem[] =>
  found.map(({ field, message }) => ({ kind: "problem", problem: line === undefined ? { file, field, message } : { file, line, field, message } }));

interface WaveRows {
  /** Prediction rows grouped by task_id, in order of first appearance. */
  predictions: Map<string, Array<PredictionRow & { file: string; line: number }>>;
  /** In file order; rows of tasks without a prediction are reported when joining. */
  schedule: Array<ScheduleRow & { file: string }>;
}

/** Reads one wave's files, yielding their problems and returning the valid rows. */
async function* readWave(wave: WaveDir, options: ReadOptions & { root: string }): AsyncGenerator<InputItem, WaveRows> {
  const rows: WaveRows = { predictions: new Map(), schedule: [] };
  for (const agent of wave.agents) {
    const place: RowPlace = { wave: wave.wave, agent_id: agent.agent_id };
    const predictions = join(agent.dir, PREDICTIONS_FILE);
    if (!(await exists(predictions))) {
      yield* problemItems(predictions, undefined, [{ field: FILE_FIELD, message: "not found (every agent directory has one, even if empty)" }]);
      continue;
    }
    const lineOf = new Map<string, number>();
    for await (const parsed of rowsOf(predictions, (o) => checkPrediction(o, place), options)) {
      if ("problems" in parsed) {
        yield* problemItems(predictions, parsed.line, parsed.problems);
        continue;
      }
      const { row, line } = parsed;
      const first = lineOf.get(row.task_id);
      if (first !== undefined) {
        yield* problemItems(predictions, line, [{ field: "task_id", message: `${show(row.task_id)} is already predicted on line ${first}` }]);
        continue;
      }
      lineOf.set(row.task_id, line);
      const entry = { ...row, file: predictions, line };
      const list = rows.predictions.get(row.task_id);
      if (list) list.push(entry);
      else rows.predictions.set(row.task_id, [entry]);
    }
    const schedule = join(agent.dir, SCHEDULE_FILE);
    if (!(await exists(schedule))) continue; // optional: tasks without a schedule get the default priority
    for await (const parsed of rowsOf(schedule, (o, line) => checkSchedule(o, place, line), options)) {
      if ("problems" in parsed) yield* problemItems(schedule, parsed.line, parsed.problems);
      else rows.schedule.push({ ...parsed.row, file: schedule });
    }
  }
  return rows;
}

export async function* readPhase20Tree(root: string, options: ReadOptions = {}): AsyncGenerator<InputItem> {
  const { waves, problems } = await discoverTree(root);
  for (const problem of problems) yield { kind: "problem", problem };
  // Said of a tree, not of any directory: one without waves is told what a tree looks like instead.
  if (!options.simulate && waves.length > 0) {
    const problem: Problem = { file: root, field: FILE_FIELD, message: "its tasks carry predictions but no code: run them with --simulate" };
    yield { kind: "problem", problem };
  }
  const waveOf = new Map<string, number>();
  let seq = 0;
  let any = false;
  for (const wave of waves) {
    const rows = yield* readWave(wave, { ...options, root });
    const scheduleOf = new Map<string, ScheduleRow[]>();
    for (const s of rows.schedule) {
      if (!rows.predictions.has(s.task_id)) {
        yield* problemItems(s.file, s.line, [{ field: "task_id", message: `${show(s.task_id)} is scheduled but has no prediction in wave_${wave.wave}/` }]);
      } else {
        scheduleOf.set(s.task_id, [...(scheduleOf.get(s.task_id) ?? []), s]);
      }
    }
    for (const [task_id, predictions] of rows.predictions) {
      const first = predictions[0]!;
      const earlier = waveOf.get(task_id);
      if (earlier !== undefined) {
        yield* problemItems(first.file, first.line, [{ field: "task_id", message: `${show(task_id)} is already used in wave_${earlier}/` }]);
        continue;
      }
      waveOf.set(task_id, wave.wave);
      const task: Task = joinTask(wave.wave, seq++, predictions, scheduleOf.get(task_id) ?? []);
      any = true;
      yield { kind: "task", task, line: first.line };
    }
  }
  if (!any && waves.length > 0) {
    yield { kind: "problem", problem: { file: root, field: FILE_FIELD, message: "contains no tasks" } };
  }
}
