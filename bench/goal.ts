/**
 * One row of SPEC 10's table as bench/run.ts prints it: the figure measured, its unit, its goal,
 * their ratio (figure ÷ goal) and whether the goal is met. `at_least` goals are met at a ratio
 * ≥ 1, `at_most` goals at a ratio ≤ 1; the row's own details ride along beside them.
 */
export interface Target {
  unit: string;
  /** `at_least`: bigger is better (rates, speed-ups); `at_most`: smaller is better (time, memory). */
  kind: "at_least" | "at_most";
  goal: number;
}

export type Row = { figure: number | null; unit: string; goal: string; ratio: number | null; met: boolean } & Record<string, unknown>;

export const atLeast = (goal: number, unit: string): Target => ({ kind: "at_least", goal, unit });
export const atMost = (goal: number, unit: string): Target => ({ kind: "at_most", goal, unit });

const goalText = (target: Target) => `${target.kind === "at_least" ? ">=" : "<="} ${target.goal}`;

/** Three significant figures: enough to compare runs, few enough to read. */
export const round = (x: number) => Number(x.toPrecision(3));

/**
 * The row for `figure` against `target`. `complete: false` marks a figure from a run cut short
 * by its time ceiling: it is printed, but such a row never counts as met.
 */
export function row(figure: number, target: Target, details: Record<string, unknown> = {}, complete = true): Row {
  const ratio = figure / target.goal;
  const met = complete && (target.kind === "at_least" ? ratio >= 1 : ratio <= 1);
  return { figure: round(figure), unit: target.unit, goal: goalText(target), ratio: round(ratio), met, ...details };
}

/** The row of a measurement that failed: no figure, not met, and why. */
export function failedRow(target: Target, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { figure: null, unit: target.unit, goal: goalText(target), ratio: null, met: false, error: message };
}
