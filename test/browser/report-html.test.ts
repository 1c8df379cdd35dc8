/**
 * The HTML report in a real headless Chromium (SPEC 9.3 "one self-contained file, no network"):
 * the report of a run halted mid-wave — a failed task with a 160-character id and a 300-character
 * message, a cut-off wave, gate decisions — loads without a console error, requests nothing but
 * itself, draws its charts, and does not scroll sideways at 1024 px.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buddy, fixture, tempDir } from "../cli/helpers";
import { CHROMIUM, hasChromium, visit, type PageVisit } from "./chromium";

const present = hasChromium();
if (!present) console.log(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);

describe.skipIf(!present)("the HTML report in headless Chromium", () => {
  let url: string;
  let page: PageVisit;
  beforeAll(async () => {
    const dir = tempDir();
    const db = join(dir, "b.db");
    const ran = await buddy(["run", fixture("reports/halts-mid-wave.jsonl"), "--db", db, "--run-id", "h1", "--fail-fast", "--agents", "1", "--strategy", "round_robin", "--max-retries", "0", "--threads", "1", "--quiet"]);
    expect(ran.code).toBe(3);
    const html = await buddy(["report", "h1", "--db", db, "--format", "html"]);
    expect(html.code).toBe(0);
    const path = join(dir, "report.html");
    writeFileSync(path, html.stdout);
    url = pathToFileURL(path).href;
    page = await visit(url, [
      "document.querySelectorAll('svg').length",
      "document.documentElement.scrollWidth <= document.documentElement.clientWidth",
      "[document.documentElement.scrollWidth, document.documentElement.clientWidth]",
      "document.querySelector('details table') !== null && document.querySelector('details').open === false",
    ], 1024);
  }, 60_000);

  test("loads with no console error, no exception, no failed load", () => {
    expect(page.errors).toEqual([]);
  });

  test("requests nothing but the file itself", () => {
    expect(page.requests).toEqual([url]);
  });

  test("draws its five charts and fits 1024 px without scrolling sideways", () => {
    const [svgs, fits, widths] = page.values;
    expect(svgs).toBe(5);
    expect({ fits, widths }).toEqual({ fits: true, widths });
  });

  test("the gate decisions one by one are there, folded away", () => {
    expect(page.values[3]).toBe(true);
  });
});
