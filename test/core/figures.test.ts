import { expect, test } from "bun:test";
import { extent, figure, forPeople } from "../../src/core";

test("durations become whole ms, other fractions 4 decimals; a task's own values stay as given", () => {
  const figures = { brier: 0.30000000000000004, ece: 1e-17, bias: -0.00001, makespan_ms: 1234.56, n: 7, bins: [{ mean_predicted: 2 / 3 }],
    tasks: [{ predicted_success_probability: 0.123456789, result: { x: 1 / 3 } }] };
  expect(forPeople(figures)).toEqual({ brier: 0.3, ece: 0, bias: 0, makespan_ms: 1235, n: 7, bins: [{ mean_predicted: 0.6667 }],
    tasks: [{ predicted_success_probability: 0.123456789, result: { x: 1 / 3 } }] });
  expect(Object.is(forPeople({ bias: -0.00001 }).bias, 0)).toBe(true);
  expect(figures.brier).toBe(0.30000000000000004); // the argument is not changed
});

test("figure() rounds one value as forPeople does, and extent() takes any number of values", () => {
  expect([figure(2 / 3), figure(-0.00001), figure(7), figure(Infinity)]).toEqual([0.6667, 0, 7, Infinity]);
  // Math.min(...xs) overflows the stack at about a million arguments.
  const many = Array.from({ length: 2_000_000 }, (_, i) => (i * 7919) % 1_000_003);
  expect(extent(many)).toEqual([0, 1_000_002]);
  expect(extent([])).toEqual([Infinity, -Infinity]);
});
