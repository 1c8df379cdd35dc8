/**
 * Source nesting pre-check (SPEC 5, stack row). QuickJS parses nested brackets recursively on
 * the host's native stack, and deep nesting can overflow the host before QuickJS's own stack
 * check fires; the parser may even report it as an unrelated SyntaxError (sandbox-notes 2.4).
 * Counting nesting before evaluation turns such source into a clean STACK_OVERFLOW.
 *
 * This is a scanner, not a parser: it skips strings, comments, template text and (by the usual
 * previous-token heuristic) regex literals, and counts `(`, `[`, `{` and `${`. A misjudged regex
 * only miscounts the brackets inside it.
 */

/** Words after which `/` starts a regex literal rather than a division. */
const REGEX_AFTER_WORD = new Set([
  "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw",
  "instanceof", "yield", "await",
]);

const isWordChar = (c: string): boolean => /[\w$]/.test(c);

/** The deepest bracket nesting of `code`; stops counting once it exceeds `stopAbove`. */
export function nestingDepth(code: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  /** Depth at which each open `${` started, so its `}` resumes the template text. */
  const templates: number[] = [];
  /** Whether a `/` here would start a regex: true after operators and at the start. */
  let regexAllowed = true;
  let i = 0;
  const n = code.length;

  const open = (): void => {
    depth++;
    if (depth > deepest) deepest = depth;
  };

  while (i < n && deepest <= stopAbove) {
    const c = code[i]!;
    const next = code[i + 1];
    if (c === "/" && next === "/") {
      i = skipUntil(code, i + 2, "\n");
    } else if (c === "/" && next === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      i = skipQuoted(code, i + 1, c);
      regexAllowed = false;
    } else if (c === "`") {
      i = skipTemplateText(code, i + 1);
      if (code.startsWith("${", i)) {
        templates.push(depth);
        open();
        i += 2;
        regexAllowed = true;
      } else {
        i++;
        regexAllowed = false;
      }
    } else if (c === "/" && regexAllowed) {
      i = skipRegex(code, i + 1);
      regexAllowed = false;
    } else if (c === "(" || c === "[" || c === "{") {
      open();
      i++;
      regexAllowed = true;
    } else if (c === ")" || c === "]" || c === "}") {
      depth = Math.max(0, depth - 1);
      i++;
      regexAllowed = false;
      if (c === "}" && templates.length > 0 && templates[templates.length - 1] === depth) {
        // The `}` closed a `${`: continue with the template's text.
        templates.pop();
        i = skipTemplateText(code, i);
        if (code.startsWith("${", i)) {
          templates.push(depth);
          open();
          i += 2;
          regexAllowed = true;
        } else {
          i++;
        }
      }
    } else if (isWordChar(c)) {
      const start = i;
      while (i < n && isWordChar(code[i]!)) i++;
      regexAllowed = REGEX_AFTER_WORD.has(code.slice(start, i));
    } else {
      if (!/\s/.test(c)) regexAllowed = true;
      i++;
    }
  }
  return deepest;
}

function skipUntil(code: string, from: number, stop: string): number {
  const end = code.indexOf(stop, from);
  return end < 0 ? code.length : end;
}

/** Index just past the closing quote (or the end of the line for an unterminated string). */
function skipQuoted(code: string, i: number, quote: string): number {
  while (i < code.length) {
    const c = code[i]!;
    if (c === "\\") i += 2;
    else if (c === quote || c === "\n") return i + 1;
    else i++;
  }
  return i;
}

/** Index of the closing backtick or of the next `${` in template text. */
function skipTemplateText(code: string, i: number): number {
  while (i < code.length) {
    const c = code[i]!;
    if (c === "\\") i += 2;
    else if (c === "`" || (c === "$" && code[i + 1] === "{")) return i;
    else i++;
  }
  return i;
}

/** Index just past a regex literal's closing `/` and flags. */
function skipRegex(code: string, i: number): number {
  let inClass = false;
  while (i < code.length) {
    const c = code[i]!;
    if (c === "\n") return i;
    if (c === "/" && !inClass) {
      i++;
      while (i < code.length && isWordChar(code[i]!)) i++;
      return i;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    i += c === "\\" ? 2 : 1;
  }
  return i;
}
