/**
 * stderr as a terminal shows it. The progress line is redrawn in place, without a newline, so a
 * message written meanwhile would be glued to it: every line goes through `stderrLine`, which
 * clears a drawn status line first. Each message (an interruption, a warning) then starts on its
 * own line, and the progress line comes back below it at its next redraw.
 */
const CLEAR_LINE = "\r\x1b[2K";
let statusDrawn = false;

/**
 * A stderr nobody reads any more (`buddy … 2>&1 | head`) is no failure of buddy's: there is
 * nowhere left to say anything, and the exit code is what stdout's end decides (143). Without
 * this, the error of a write to it would escape as an internal error (exit 4).
 */
process.stderr.on("error", () => {});

function write(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // As above: a closed stderr takes nothing more.
  }
}

/** The status line cut to the terminal's width: a line that wraps could not be redrawn in place. */
function fitted(text: string): string {
  const columns = process.stderr.columns;
  if (!columns || Bun.stringWidth(text) < columns) return text;
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  return `${plain.slice(0, Math.max(0, columns - 2))}…`;
}

/** Draws `text` as the status line, over the one drawn before. */
export function drawStatus(text: string): void {
  write(CLEAR_LINE + fitted(text));
  statusDrawn = true;
}

/** Leaves the status line drawn last where it is, ending it with a newline. */
export function endStatus(): void {
  if (!statusDrawn) return;
  statusDrawn = false;
  write("\n");
}

/** Writes `text` (whole lines) to stderr, after clearing a status line. */
export function stderrLine(text: string): void {
  if (statusDrawn) {
    statusDrawn = false;
    write(CLEAR_LINE);
  }
  write(text);
}
