/**
 * Metric families as OpenMetrics 1.0 defines them, before any text is written: a name, a type,
 * help, an optional unit and the family's points. There are no counters (see ./families.ts).
 */

/** Label name → value; every point of one family has the same names, in the same order. */
export type Labels = Readonly<Record<string, string>>;

export interface Point {
  labels: Labels;
  value: number;
}

export interface HistogramPoint {
  labels: Labels;
  /** Cumulative: `count` is the number of observations ≤ `le`; the last bucket's `le` is +Inf. */
  buckets: ReadonlyArray<{ le: number; count: number }>;
  count: number;
  sum: number;
}

interface Described {
  name: string;
  /** One line, without `"` or `\`: the text HELP lines of OpenMetrics and of the Prometheus format take without escapes. */
  help: string;
  /** OpenMetrics' UNIT; the name must end with `_<unit>`. */
  unit?: string;
}

export type MetricFamily = (Described & { type: "gauge"; points: Point[] }) | (Described & { type: "histogram"; points: HistogramPoint[] });

export const gauge = (name: string, help: string, points: Point[], unit?: string): MetricFamily =>
  unit === undefined ? { name, help, type: "gauge", points } : { name, help, unit, type: "gauge", points };

export const histogram = (name: string, help: string, unit: string, points: HistogramPoint[]): MetricFamily => ({ name, help, unit, type: "histogram", points });

/**
 * The cumulative buckets of `values` over ascending `bounds` (+Inf added), with values given in
 * 1/`per` of the bounds' unit (whole ms for bounds in seconds: 1000): summed before dividing, a
 * sum of whole ms stays exact.
 */
export function histogramPoint(labels: Labels, values: readonly number[], bounds: readonly number[], per = 1): HistogramPoint {
  const buckets = [...bounds, Infinity].map((le) => ({ le, count: values.filter((v) => v / per <= le).length }));
  return { labels, buckets, count: values.length, sum: values.reduce((a, b) => a + b, 0) / per };
}
