/**
 * stderr as a terminal shows it. The progress line is redrawn in place, without a newline, so a
 * message written meanwhile would be glued to it: every line goes through `stderrLine`, which
 * clears a drawn status line first. Each message (an interruption, a warning) then starts on its
 * own line, and the progress line comes back below it at its next redraw.
 */
const CLEAR_LINE = "\r\x1b[2K";
let statusDrawn = false;

/** Draws `text` as the status line, over the one drawn before. */
export function drawStatus(text: string): void {
  process.stderr.write(CLEAR_LINE + text);
  statusDrawn = true;
}

/** Leaves the status line drawn last where it is, ending it with a newline. */
export function endStatus(): void {
  if (!statusDrawn) return;
  statusDrawn = false;
  process.stderr.write("\n");
}

/** Writes `text` (whole lines) to stderr, after clearing a status line. */
export function stderrLine(text: string): void {
  if (statusDrawn) {
    statusDrawn = false;
    process.stderr.write(CLEAR_LINE);
  }
  process.stderr.write(text);
}
