/**
 * How flags are declared and how yargs' own complaints are said. Numeric flags have no yargs
 * type: with `type: "number"` yargs turns `abc` into NaN before buddy sees it, so the message
 * could not show what was typed; untyped, numbers still parse and the rest stays text for zod
 * (config/flag-errors.ts) to refuse in buddy's words.
 */
/** A flag that takes a number; its value is checked by the command's schema. */
export const numeric = (describe: string, defaultValue?: number) =>
  ({ requiresArg: true, describe, ...(defaultValue === undefined ? {} : { default: defaultValue }) }) as const;

/** yargs' `Invalid values: Argument: strategy, Given: "x", Choices: "a", "b"`, as buddy says it. */
const CHOICES = /Argument: ([\w-]+), Given: (.*), Choices: (.*)$/;

/** A yargs usage message in buddy's words, on one line: a bad choice names the flag, what it takes and what it got. */
export function usageMessage(message: string): string {
  const choice = CHOICES.exec(message.replace(/\s+/g, " "));
  if (choice !== null) {
    const [, name, given, choices] = choice as unknown as [string, string, string, string];
    // The sentence of config/flag-errors.ts; `given` is already quoted by yargs.
    return `--${name} must be one of ${choices.replaceAll('"', "")}, got ${given}`;
  }
  return `${message} (buddy --help lists the commands and options)`;
}
