/**
 * Minimal inline-SVG building blocks for the HTML report: no script, no external file, so the
 * report opens anywhere, offline, and can be attached to a CI build as one file.
 */
import { escapeXml as x } from "../format";

export const COLORS = {
  succeeded: "#2e7d32",
  failed: "#c62828",
  rejected: "#6a1b9a",
  running: "#9e9e9e",
  predicted: "#1565c0",
  observed: "#ef6c00",
  axis: "#555",
  grid: "#e0e0e0",
  EXCELLENT: "#2e7d32",
  GOOD: "#7cb342",
  FAIR: "#f9a825",
  POOR: "#c62828",
} as const;

/** Two decimals: enough for the eye, and the same figures always give the same file. */
const n = (v: number) => String(Math.round(v * 100) / 100);

export function svg(width: number, height: number, label: string, body: readonly string[]): string {
  return [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${x(label)}">`, ...body, "</svg>"].join("\n");
}

export function rect(px: number, py: number, w: number, h: number, fill: string, tooltip?: string): string {
  const shape = `<rect x="${n(px)}" y="${n(py)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="${fill}"`;
  return tooltip === undefined ? `${shape}/>` : `${shape}><title>${x(tooltip)}</title></rect>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, dash = false): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}"${dash ? ' stroke-dasharray="4 3"' : ""}/>`;
}

export function text(px: number, py: number, content: string, anchor: "start" | "middle" | "end" = "middle", size = 11): string {
  return `<text x="${n(px)}" y="${n(py)}" text-anchor="${anchor}" font-size="${size}" fill="${COLORS.axis}">${x(content)}</text>`;
}

/** An axis title: under the x axis, or turned to read upwards beside the y axis. */
export function axisTitle(px: number, py: number, content: string, vertical = false): string {
  const turn = vertical ? ` transform="rotate(-90 ${n(px)} ${n(py)})"` : "";
  return `<text x="${n(px)}" y="${n(py)}" text-anchor="middle" font-size="11" font-weight="600" fill="${COLORS.axis}"${turn}>${x(content)}</text>`;
}

export function circle(cx: number, cy: number, r: number, fill: string, tooltip?: string): string {
  const shape = `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${fill}" fill-opacity="0.8"`;
  return tooltip === undefined ? `${shape}/>` : `${shape}><title>${x(tooltip)}</title></circle>`;
}

export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Horizontal grid lines and left-axis labels for values 0..max. */
export function yAxis(p: Plot, max: number, ticks: number, format: (v: number) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks;
    const py = p.top + p.height - (p.height * i) / ticks;
    out.push(line(p.left, py, p.left + p.width, py, COLORS.grid), text(p.left - 6, py + 4, format(v), "end"));
  }
  return out;
}

/** How a legend entry is drawn: a filled square (bars), a dot (points) or a dashed line. */
type Swatch = "box" | "dot" | "dash";

export interface LegendItem {
  label: string;
  color: string;
  swatch?: Swatch;
}

const LEGEND_ROW = 16;

function swatch(px: number, py: number, item: LegendItem): string {
  if (item.swatch === "dot") return circle(px + 5, py - 4, 4, item.color);
  if (item.swatch === "dash") return line(px, py - 4, px + 14, py - 4, item.color, true);
  return rect(px, py - 9, 10, 10, item.color);
}

/**
 * Legend entries from (px, py) across `width`, wrapping to more rows as needed; `height` is what
 * the rows take, so the chart can make room for them.
 */
export function legend(px: number, py: number, width: number, items: readonly LegendItem[]): { parts: string[]; height: number } {
  const parts: string[] = [];
  let col = 0;
  let row = 0;
  for (const item of items) {
    // At most about 7 px a character at font size 11 (capitals), plus the swatch and a gap.
    const w = 30 + 7 * item.label.length;
    if (col > 0 && col + w > width) {
      col = 0;
      row++;
    }
    const y = py + row * LEGEND_ROW;
    parts.push(swatch(px + col, y, item), text(px + col + 18, y, item.label, "start"));
    col += w;
  }
  return { parts, height: items.length === 0 ? 0 : (row + 1) * LEGEND_ROW };
}

/** A chart with nothing to draw keeps its place and says so, rather than showing bare axes. */
export function noData(width: number, height: number, label: string): string {
  return svg(width, height, label, [
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" fill="none" stroke="${COLORS.grid}"/>`,
    text(width / 2, 18, label),
    text(width / 2, height / 2 + 4, "no data", "middle", 13),
  ]);
}
