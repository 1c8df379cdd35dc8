/**
 * How flags are declared and how yargs' own complaints are said. Numeric flags have no yargs
 * type: with `type: "number"` yargs turns `abc` into NaN before buddy sees it, so the message
 * could not show what was typed; untyped, numbers still parse and the rest stays text for zod
 * (config/flag-errors.ts) to refuse in buddy's words.
 */
import { flagProblem } from "../config";
import { BuddyError } from "../core";
/** A flag that takes a number; its value is checked by the command's schema. */
export const numeric = (describe: string, defaultValue?: number) =>
  ({ requiresArg: true, describe, ...(defaultValue === undefined ? {} : { default: defaultValue }) }) as const;

/** yargs' `Invalid values: Argument: strategy, Given: "x", Choices: "a", "b"`, as buddy says it. */
const CHOICES = /Argument: ([\w-]+), Given: (.*), Choices: (.*)$/;
/** yargs' `Not enough arguments following: agents` (a numeric flag typed bare). */
const BARE = /^Not enough arguments following: ([\w-]+)$/;

/** A value as yargs quotes it in a message (`"foo"`, `5`), back as what was typed. */
function typed(given: string): unknown {
  try {
    return JSON.parse(given);
  } catch {
    return given;
  }
}

/** A yargs usage message in buddy's words, on one line: a bad choice names the flag, what it takes and what it got. */
export function usageMessage(message: string): string {
  const choice = CHOICES.exec(message.replace(/\s+/g, " "));
  if (choice !== null) {
    const [, name, given, choices] = choice as unknown as [string, string, string, string];
    return flagProblem(`--${name}`, `one of ${choices.replaceAll('"', "")}`, typed(given));
  }
  const bare = BARE.exec(message);
  if (bare !== null) return `--${bare[1]} needs a value`;
  return `${message} (buddy --help lists the commands and options)`;
}

/** What yargs knows of the command's options (`getOptions()`), as far as these checks read it. */
export interface DeclaredOptions {
  boolean: string[];
  array: string[];
  /** Every option's name. */
  key: Record<string, unknown>;
}

/**
 * What yargs lets through silently, refused in buddy's words (exit 2): a flag given twice (yargs
 * makes an array of a value flag, which no command expects: `--db a --db b` opened neither, and
 * keeps the last of a switch: `--live --no-live` ran dry), a value-taking
 * flag without its value (`--out` alone was ignored), and a switch given a value other than true
 * or false (`--live=yes` was read as false, and the run went on dry). `raw` is the command line
 * as typed, before yargs read it.
 */
export function checkFlagShapes(raw: readonly string[], argv: Record<string, unknown>, declared: DeclaredOptions): void {
  const end = raw.indexOf("--");
  const words = end < 0 ? raw : raw.slice(0, end);
  const typed = words.filter((token) => token.startsWith("--"));
  const named = new Set(typed.map((token) => token.slice(2).split("=")[0]!));
  words.forEach((token, i) => {
    // A value-taking flag typed bare, last or before another flag: yargs would quietly give it
    // its default (`--format` alone printed JSON), or "".
    const name = token.slice(2);
    const next = words[i + 1];
    const bare = token.startsWith("--") && !name.includes("=") && name in declared.key && !declared.boolean.includes(name);
    if (bare && (next === undefined || next.startsWith("--"))) throw new BuddyError("USAGE", `--${name} needs a value`);
  });
  const switches = new Map<string, number>();
  for (const token of typed) {
    const [name, ...rest] = token.slice(2).split("=");
    const flag = name!.startsWith("no-") && declared.boolean.includes(name!.slice(3)) ? name!.slice(3) : name!;
    // yargs keeps the last of `--live --no-live`: a switch said twice is refused as a value flag is.
    if (declared.boolean.includes(flag)) switches.set(flag, (switches.get(flag) ?? 0) + 1);
    if ((switches.get(flag) ?? 0) > 1) throw new BuddyError("USAGE", `--${flag} is given ${switches.get(flag)} times; give it once`);
    // Lowercase only: yargs reads `--live=TRUE` as false.
    if (rest.length > 0 && declared.boolean.includes(flag) && !/^(true|false)$/.test(rest.join("="))) {
      throw new BuddyError("USAGE", `--${flag} is a switch: give it alone (or --no-${flag}), got ${JSON.stringify(rest.join("="))}`);
    }
  }
  for (const [key, value] of Object.entries(argv)) {
    // yargs adds a camelCase twin of every dashed name; the dashed one is what was typed.
    if (key === "_" || key === "$0" || /[A-Z]/.test(key) || !named.has(key) && !named.has(`no-${key}`)) continue;
    if (Array.isArray(value) && !declared.array.includes(key)) {
      throw new BuddyError("USAGE", `--${key} is given ${value.length} times; give it once`);
    }
    // A value-taking flag typed bare reads as "" (a choice's too: yargs lets "" through its choices).
    if (value === "" && !declared.boolean.includes(key)) throw new BuddyError("USAGE", `--${key} needs a value`);
  }
}
