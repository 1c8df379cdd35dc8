/**
 * A strict reader of the OpenMetrics 1.0 text format, for the tests of `buddy metrics`: it
 * throws, naming the line, at anything the standard does not allow (a sample outside its
 * family, a family described twice or out of order, an unknown escape, a name of one family
 * that is a sample name of another, a timestamp, text after `# EOF`), and checks every
 * histogram: ascending bounds, cumulative counts, +Inf equal to `_count`.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help?: string;
  unit?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
/** The sample names each type allows, as suffixes of the family name. */
const SUFFIXES: Record<string, string[]> = {
  counter: ["_total", "_created"],
  gauge: [""],
  histogram: ["_bucket", "_count", "_sum", "_created"],
  gaugehistogram: ["_bucket", "_gcount", "_gsum"],
  summary: ["", "_count", "_sum", "_created"],
  info: ["_info"],
  stateset: [""],
  unknown: [""],
};

const toNumber = (text: string) => (text.endsWith("Inf") ? (text.startsWith("-") ? -Infinity : Infinity) : Number(text));

/** `\\`, `\"` and `\n`, the only escapes OpenMetrics has; a raw `"` is not allowed in `quoted` text. */
function unescape(text: string, fail: (why: string) => never): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') fail("unescaped double quote");
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === "\\") out += "\\";
    else if (next === '"') out += '"';
    else if (next === "n") out += "\n";
    else fail(`invalid escape \\${next ?? ""}`);
  }
  return out;
}

/** `{a="x",b="y"}` at the start of `rest`: the labels and what follows the closing brace. */
function labelsOf(rest: string, fail: (why: string) => never): { labels: Record<string, string>; after: string } {
  const labels: Record<string, string> = {};
  if (!rest.startsWith("{")) return { labels, after: rest };
  let i = 1;
  while (rest[i] !== "}") {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(rest.slice(i))?.[0];
    if (!name || rest.slice(i + name.length, i + name.length + 2) !== '="') fail(`bad label at ${rest.slice(i)}`);
    i += name.length + 2;
    let raw = "";
    while (rest[i] !== '"') {
      if (i >= rest.length) fail("unterminated label value");
      if (rest[i] === "\\") raw += rest[i++];
      raw += rest[i++];
    }
    if (name in labels) fail(`label ${name} twice`);
    labels[name] = unescape(raw, fail);
    i++;
    if (rest[i] === ",") i++;
    else if (rest[i] !== "}") fail(`expected , or } after label ${name}`);
  }
  return { labels, after: rest.slice(i + 1) };
}

export function parseOpenMetrics(text: string): Family[] {
  if (!text.endsWith("# EOF\n")) throw new Error("does not end with # EOF and a line feed");
  const lines = text.slice(0, -"# EOF\n".length).split("\n").slice(0, -1);
  if (text !== `${lines.join("\n")}${lines.length > 0 ? "\n" : ""}# EOF\n`) throw new Error("blank line or text after # EOF");
  const families: Family[] = [];
  let current: Family | undefined;
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${line}`);
    };
    const meta = /^# (HELP|TYPE|UNIT) ([^ ]+)(?: (.*))?$/.exec(line);
    if (meta) {
      const kind = meta[1] as "HELP" | "TYPE" | "UNIT";
      const name = meta[2]!;
      const value = meta[3] ?? "";
      if (!METRIC_NAME.test(name)) fail("bad metric name");
      if (current?.name !== name) {
        if (families.some((f) => f.name === name)) fail(`family ${name} described again`);
        current = { name, type: "unknown", samples: [] };
        families.push(current);
      }
      if (current.samples.length > 0) fail("metadata after the family's samples");
      const key = kind.toLowerCase() as "help" | "type" | "unit";
      if (key === "type" ? current.type !== "unknown" : current[key] !== undefined) fail(`second ${kind}`);
      if (kind === "TYPE" && !(value in SUFFIXES)) fail(`unknown type ${value}`);
      if (kind === "UNIT" && !name.endsWith(`_${value}`)) fail("the unit is not the name's suffix");
      current[key] = kind === "HELP" ? unescape(value, fail) : value;
      return;
    }
    if (line.startsWith("#")) fail("a comment OpenMetrics does not have");
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? fail("bad sample name");
    if (!current || !SUFFIXES[current.type]!.some((s) => name === current!.name + s)) fail(`sample outside family ${current?.name}`);
    const { labels, after } = labelsOf(line.slice(name.length), fail);
    const value = after.startsWith(" ") ? after.slice(1) : fail("no value");
    if (!NUMBER.test(value)) fail("bad value (or a timestamp)");
    if (current!.type === "counter" && name.endsWith("_total") && !(toNumber(value) >= 0)) fail("a counter below 0");
    current!.samples.push({ name, labels, value: toNumber(value) });
  });
  const sampleNames = new Map(families.flatMap((f) => SUFFIXES[f.type]!.map((s): [string, string] => [f.name + s, f.name])));
  for (const f of families) {
    const owner = sampleNames.get(f.name);
    if (owner !== undefined && owner !== f.name) throw new Error(`family ${f.name} clashes with a sample name of ${owner}`);
    if (f.type === "histogram") checkHistogram(f);
  }
  return families;
}

function checkHistogram(f: Family): void {
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== "le"));
  for (const k of new Set(f.samples.map((s) => key(s.labels)))) {
    const of = (suffix: string) => f.samples.filter((s) => s.name === f.name + suffix && key(s.labels) === k);
    const buckets = of("_bucket");
    const bounds = buckets.map((b) => toNumber(b.labels.le ?? "NaN"));
    const why = (text: string) => new Error(`histogram ${f.name} ${k}: ${text}`);
    if (bounds.some((b, i) => Number.isNaN(b) || (i > 0 && b <= bounds[i - 1]!))) throw why("bounds not ascending");
    if (buckets.some((b, i) => i > 0 && b.value < buckets[i - 1]!.value)) throw why("counts not cumulative");
    if (bounds.at(-1) !== Infinity) throw why("no +Inf bucket");
    const [count] = of("_count");
    if (count?.value !== buckets.at(-1)!.value) throw why("+Inf bucket differs from _count");
    if (of("_sum").length !== 1) throw why("no _sum");
  }
}

/** The sum of the values of the samples named `name` whose labels include `labels` (all samples so named without). */
export function sum(families: readonly Family[], name: string, labels: Record<string, string> = {}): number {
  return families
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
