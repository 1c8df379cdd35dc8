/**
 * Metric families as text: OpenMetrics 1.0, which is also valid Prometheus text format (0.0.4)
 * as long as there are no counters (./families.ts): what node_exporter's textfile collector, the
 * Pushgateway and `promtool check metrics` read. `# EOF` and `# UNIT` are comments to the
 * Prometheus parsers, which skip them. No sample has a timestamp (node_exporter drops a whole
 * file that has one).
 */
import type { Labels, MetricFamily } from "./model";

/** A label value between double quotes: backslash, double quote and line feed escaped, as both formats require. */
const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/**
 * HELP text: backslash and line feed escaped. Both formats agree on these two; they disagree on a
 * double quote (OpenMetrics requires `\"`, the Prometheus format refuses it), so help texts have none.
 */
const escapeHelp = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

/** A sample value or bucket bound: shortest round-trip decimal, or the infinities as both formats spell them. */
function number(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  return String(x);
}

/** A bucket bound as a float (`1.0`, not `1`): the form OpenMetrics writes `le` in, so each bucket has one name. */
const bound = (le: number) => (Number.isInteger(le) ? le.toFixed(1) : number(le));

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length === 0 ? "" : `{${pairs.join(",")}}`} ${number(value)}`;
}

function samples(f: MetricFamily): string[] {
  switch (f.type) {
    case "gauge":
      return f.points.map((p) => sample(f.name, p.labels, p.value));
    case "histogram":
      return f.points.flatMap((p) => [
        ...p.buckets.map((b) => sample(`${f.name}_bucket`, { ...p.labels, le: bound(b.le) }, b.count)),
        sample(`${f.name}_count`, p.labels, p.count),
        sample(`${f.name}_sum`, p.labels, p.sum),
      ]);
  }
}

export function exposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    if (f.unit !== undefined) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(...samples(f));
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
