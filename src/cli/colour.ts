/**
 * Colour for people at a terminal: the progress line on stderr and `--format table` on stdout.
 * Off under NO_COLOR (no-color.org: set to anything but the empty string), and wherever the
 * stream is not a terminal, so a file or a pipe never receives escape sequences.
 */

export type Colour = "red" | "green" | "yellow" | "bold";
export type Paint = (colour: Colour, text: string) => string;

const SGR: Record<Colour, number> = { red: 31, green: 32, yellow: 33, bold: 1 };

const noColor = (env: Record<string, string | undefined>) => (env.NO_COLOR ?? "") !== "";

export function painter(plain: boolean): Paint {
  return plain ? (_, text) => text : (colour, text) => `\x1b[${SGR[colour]}m${text}\x1b[0m`;
}

/** The paint for `stream`: colour only when it is a terminal and NO_COLOR is unset. */
export const paintFor = (stream: { isTTY?: boolean }): Paint => painter(stream.isTTY !== true || noColor(process.env));
