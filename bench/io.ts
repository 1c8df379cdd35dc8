/**
 * SPEC 10's I/O-bound row: tasks that each await one provider call (`providers.ghl.getContact`)
 * which a local fake of GoHighLevel on 127.0.0.1 answers after 200 ms, run `--live --agents 4
 * --concurrency 16 --threads 2`. The goal is a wall time within 1.3 × the latency bound, the
 * time 64 lanes need if every one is always waiting on a call: tasks / 64 × 0.2 s.
 *
 * The row has a time ceiling. A probe of two rounds of lanes (128 tasks) comes first; when its
 * pace says the full count would not end within the ceiling, the row runs as many tasks as the
 * pace allows (whole rounds of 64), against that count's own bound, and says so. The measured
 * run is stopped at 1.5 × the ceiling at the latest; the server stops when the row ends, and by
 * itself after a safety timeout if the bench were to hang.
 */
import { join } from "node:path";
import { runBuddy, scratch, taskFile, type Ran } from "./buddy";
import { atMost, round, row, type Row } from "./goal";

export const IO_BOUND = atMost(1.3, "x latency bound");

const LATENCY_MS = 200;
const LANES = 4 * 16;
const PROBE = 2 * LANES;
const TOKEN = "bench-ghl-token";

/** A GoHighLevel `GET /contacts/{id}` that answers after LATENCY_MS, and nothing else. */
function slowGhl(safetyMs: number) {
  let calls = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      calls++;
      await Bun.sleep(LATENCY_MS);
      const id = /^\/contacts\/([^/]+)$/.exec(new URL(req.url).pathname)?.[1];
      if (req.headers.get("authorization") !== `Bearer ${TOKEN}` || id === undefined) return Response.json({ message: "not a bench call" }, { status: 400 });
      return Response.json({ contact: { id, firstName: "Bench", email: `${id}@example.com` } });
    },
  });
  const safety = setTimeout(() => server.stop(true), safetyMs);
  safety.unref();
  return {
    url: `http://127.0.0.1:${server.port}`,
    calls: () => calls,
    stop() {
      clearTimeout(safety);
      server.stop(true);
    },
  };
}

const ioTask = (i: number) => ({
  task_id: `io${i}`,
  predicted_success_probability: 0.9,
  uses: ["ghl"],
  code: `const found = await providers.ghl.getContact("c${i}"); return found.contact_id;`,
});

/** Wall time of `count` I/O tasks against the server at `url`, stopped after `ceilingMs`. */
async function ioRun(count: number, url: string, ceilingMs: number, name: string): Promise<Ran> {
  const file = taskFile(`${name}.jsonl`, count, ioTask);
  return runBuddy(
    ["run", file, "--live", "--agents", "4", "--concurrency", "16", "--threads", "2", "--seed", "1", "--quiet", "--db", join(scratch, `${name}.db`)],
    { env: { BUDDY_GHL_BASE_URL: url, GHL_API_TOKEN: TOKEN, GHL_LOCATION_ID: "bench-location" }, ceilingMs },
  );
}

const boundS = (count: number) => (count / LANES) * (LATENCY_MS / 1000);

export async function ioRow(tasks: number, ceilingMs: number): Promise<Row> {
  const server = slowGhl(3 * ceilingMs);
  try {
    const probed = Math.min(PROBE, tasks);
    const probe = await ioRun(probed, server.url, ceilingMs, "io-probe");
    const msPerTask = probe.ms / probed;
    const fits = Math.floor(ceilingMs / msPerTask / LANES) * LANES;
    const count = probe.cutShort ? probed : Math.max(probed, Math.min(tasks, fits));
    const probeCalls = server.calls();
    const ran = count === probed ? probe : await ioRun(count, server.url, 1.5 * ceilingMs, "io");
    const succeeded = ran.summary?.totals.succeeded ?? 0;
    const complete = !ran.cutShort && ran.code === 0 && succeeded === count;
    const bound = boundS(count);
    return row(ran.ms / 1000 / bound, IO_BOUND, {
      tasks: count,
      wall_s: round(ran.ms / 1000),
      latency_bound_s: round(bound),
      succeeded,
      provider_calls: count === probed ? probeCalls : server.calls() - probeCalls,
      ...(count < tasks && {
        note: `${tasks} tasks would take about ${round((msPerTask * tasks) / 1000)} s at the probe's pace, over the row's ${ceilingMs / 1000} s ceiling: ran ${count}, against their own bound`,
      }),
      ...(ran.cutShort && { note: `stopped at the row's ceiling; the figure is a lower bound` }),
    }, complete);
  } finally {
    server.stop();
  }
}
