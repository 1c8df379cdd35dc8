/** Text from tasks and input files made safe to show on a terminal, in a report or a table. */

/**
 * Characters that change what text around them shows without showing themselves: the line and
 * paragraph separators, the bidirectional marks, embeddings, overrides and isolates (a task id
 * `\u202Egnp.exe` reads as "exe.png"), and the zero-width spaces and joiners' unsafe kin (ZWSP,
 * word joiner, invisible operators, BOM). ZWJ (U+200D) and ZWNJ stay: emoji and scripts need them.
 */
const INVISIBLE = "\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff";

/** C0 and C1 controls (ESC, CR, LF, CSI) and DEL, which a terminal acts on, and INVISIBLE. */
const UNSAFE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${INVISIBLE}]`, "g");
const HIDDEN = new RegExp(`[${INVISIBLE}]`, "g");

const written = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `text` with every unsafe character written as `\uXXXX`, so it prints as one inert line.
 * JSON.stringify escapes only the C0 ones, so a line quoting input text could otherwise be forged
 * or recoloured by it.
 */
export const escapeControls = (text: string): string => text.replace(UNSAFE, written);

/** `text` with only the INVISIBLE characters written out: for text whose line breaks and tabs are kept (a stack, an XML body). */
export const escapeInvisible = (text: string): string => text.replace(HIDDEN, written);
