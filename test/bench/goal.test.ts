/** The bench's rows (bench/goal.ts): ratio = figure ÷ goal, and "met" in the goal's direction. */
import { describe, expect, test } from "bun:test";
import { atLeast, atMost, failedRow, row } from "../../bench/goal";

describe("row", () => {
  test("an at-least goal is met at or above it", () => {
    expect(row(0.6, atLeast(0.5, "x bare loop"))).toEqual({ figure: 0.6, unit: "x bare loop", goal: ">= 0.5", ratio: 1.2, met: true });
    expect(row(0.5, atLeast(0.5, "x"))).toMatchObject({ ratio: 1, met: true });
    expect(row(0.24, atLeast(0.5, "x"))).toMatchObject({ ratio: 0.48, met: false });
  });

  test("an at-most goal is met at or below it", () => {
    expect(row(39.3, atMost(1.3, "x latency bound"))).toMatchObject({ goal: "<= 1.3", ratio: 30.2, met: false });
    expect(row(42, atMost(50, "ms"))).toMatchObject({ ratio: 0.84, met: true });
  });

  test("a figure from a run cut short is never met, and keeps its details", () => {
    expect(row(300, atMost(512, "MB"), { tasks_done: 10 }, false)).toMatchObject({ figure: 300, met: false, tasks_done: 10 });
  });

  test("figures are rounded to three significant digits", () => {
    expect(row(16_912.4, atLeast(50_000, "tasks/s"))).toMatchObject({ figure: 16_900, ratio: 0.338 });
  });
});

test("a failed measurement has no figure and says why", () => {
  expect(failedRow(atMost(1.3, "x latency bound"), new Error("server down"))).toEqual({
    figure: null, unit: "x latency bound", goal: "<= 1.3", ratio: null, met: false, error: "server down",
  });
});
