/** Text from tasks and input files made safe to show on a terminal. */

/**
 * Characters that a terminal acts on or that reorder what it shows: C0 and C1 controls (ESC, CR,
 * LF, CSI), DEL, the line and paragraph separators and the bidirectional overrides. JSON.stringify
 * escapes only the C0 ones, so a line quoting input text could otherwise be forged or recoloured
 * by it.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character written as `\uXXXX`, so it prints as one inert line. */
export const escapeControls = (text: string): string =>
  text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
