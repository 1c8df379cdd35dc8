/**
 * The buddy command line: a thin shell over the harness. Only this folder reads argv and the
 * environment, writes stdout and sets the exit code. Loaded by main.ts for every command.
 */
import yargs, { type Argv } from "yargs";
import pkg from "../../package.json";
import { RUN_DEFAULTS, SNIPPET_SEED } from "../config";
import { BuddyError, EXIT } from "../core";
import { calibrateCommand } from "./commands/calibrate";
import { EXPORT_STATUSES, exportCommand } from "./commands/export";
import { metricsCommand } from "./commands/metrics";
import { REPORT_FORMATS, reportCommand } from "./commands/report";
import { artifactOptions, runOptions, runCommand, STRICT_OPTION } from "./commands/run";
import { runsCommand, showCommand } from "./commands/inspect";
import { resumeCommand } from "./commands/resume";
import { sandboxEvalCommand, type SandboxArgs } from "./commands/sandbox";
import { schemaCommand, SCHEMAS } from "./commands/schema";
import { validateCommand } from "./commands/validate";
import { violationsCommand } from "./commands/violations";
import { workerCommand } from "./commands/worker";
import { DEFAULT_WORKER_LEASE_MS } from "./fleet";
import { STDIN_ARG } from "./context";
import { checkFlagShapes, numeric, usageMessage, type DeclaredOptions } from "./flags";
import { endOutput, reportError, stdoutClosedAtStart, warn } from "./io";
import { FORMAT_OPTION } from "./table";
import { installStopSignals, quietStops } from "./process-signals";

type Handler = (args: any) => number | Promise<number>;

/** Every command resolves to an exit code; errors become one message on stderr and their code. */
const handle = (fn: Handler) => async (args: any) => {
  quietStops(args.quiet === true);
  try {
    process.exitCode = await fn(args);
  } catch (error) {
    process.exitCode = reportError(error);
  }
};

function cli(argv: string[]): Argv {
  const parser = yargs(argv);
  // Runs once the command is known, so getOptions() holds that command's options too.
  return parser
    .middleware((args) => checkFlagShapes(argv, args, (parser as unknown as { getOptions(): DeclaredOptions }).getOptions()))
    .scriptName("buddy")
    .usage("$0 <command> [options]\n\nRun predicted tasks wave by wave in a QuickJS sandbox; results as JSON lines on stdout.")
    .option("db", { type: "string", global: true, describe: "SQLite database [env BUDDY_DB; default .buddy/buddy.db]" })
    .option("backend", { type: "string", global: true, describe: "PostgreSQL URL of a store shared by many machines, instead of --db [env BUDDY_BACKEND]" })
    .option("backend-timeout", { ...numeric("seconds the backend may be unreachable before a command gives up (exit 4)", 60), global: true })
    .option("quiet", { type: "boolean", global: true, default: false, describe: "nothing on stderr but errors" })
    .command(
      "run <input>",
      "validate the input, create a run, execute it, stream results",
      (y) => runOptions(y.positional("input", { type: "string", demandOption: true, describe: "task file (JSONL), Phase 20 directory, or - for stdin" }))
        .example("$0 run fixtures/demo.jsonl --seed 7 | jq -c 'select(.type==\"task\")'", "run the demo and keep the task records"),
      handle(runCommand),
    )
    .command(
      "resume <run_id>",
      "continue an interrupted or crashed run; finished tasks are not run again",
      (y) => y.positional("run_id", { type: "string", demandOption: true, describe: "a run id, or latest" })
        .option("replay", { type: "boolean", default: false, describe: "print the records of tasks that had finished already" })
        .option("out", artifactOptions.out)
        .option("junit", artifactOptions.junit)
        .option("force", artifactOptions.force)
        .example("$0 resume 20261124-211500-abc123", "finish a run that was killed"),
      handle(resumeCommand),
    )
    .command(
      "validate <input>",
      "validate only; print the problems; exit 0 or 2",
      (y) => y.positional("input", { type: "string", demandOption: true, describe: "task file (JSONL), Phase 20 directory, or - for stdin" })
        .option("simulate", { type: "boolean", default: false, describe: "tasks without code are allowed" })
        .option("strict", STRICT_OPTION)
        .example("$0 validate tasks.jsonl", "check a file before running it"),
      handle(validateCommand),
    )
    .command(
      "runs",
      "list runs, newest first (NDJSON, or --format table)",
      (y) => y.option("limit", { type: "string", default: "50", describe: "at most this many runs (an integer ≥ 1)" })
        .option("format", FORMAT_OPTION)
        .example("$0 runs | jq -r .run_id", "the ids of recent runs")
        .example("$0 runs --format table", "recent runs as a table to read"),
      handle(runsCommand),
    )
    .command(
      "show <run_id>",
      "a run's record, wave records and summary; --tasks, --attempts add tasks and attempts",
      (y) => y.positional("run_id", { type: "string", demandOption: true, describe: "a run id, or latest" })
        .option("tasks", { type: "boolean", default: false, describe: "add each task's state" })
        .option("attempts", { type: "boolean", default: false, describe: "add every attempt, with its console output" })
        .option("format", FORMAT_OPTION)
        .example("$0 show 20261124-211500-abc123 --tasks", "a run with its tasks")
        .example("$0 show latest --tasks --format table", "the newest run's summary, waves and tasks as tables"),
      handle(showCommand),
    )
    .command(
      "violations [run_id]",
      "sandbox violations (NDJSON, or --format table): of one run, or of every run",
      (y) => y.positional("run_id", { type: "string", describe: "a run id, or latest; all runs when omitted" })
        .option("format", FORMAT_OPTION)
        .example("$0 violations 20261124-211500-abc123 | jq -r .violation_type", "what a run's tasks reached for")
        .example("$0 violations --format table", "every run's violations as a table"),
      handle(violationsCommand),
    )
    .command(
      "report <run_id>",
      "the run report: Markdown, self-contained HTML or JSON",
      (y) => y.positional("run_id", { type: "string", demandOption: true, describe: "a run id, or latest" })
        .option("format", { choices: Object.keys(REPORT_FORMATS) as (keyof typeof REPORT_FORMATS)[], default: "md" as const, describe: "md (Markdown), html (one self-contained file) or json" })
        .example("$0 report 20261124-211500-abc123 --format html > report.html", "a report to open in a browser"),
      handle(reportCommand),
    )
    .command(
      "calibrate <run_ids..>",
      "fit a recalibration of predictions from the outcomes of one or more runs (at least 20 tasks that ran); with --apply, print FILE with calibrated probabilities",
      // default: undefined, or --help shows the "[default: []]" yargs gives a variadic positional.
      (y) => y.positional("run_ids", { type: "string", demandOption: true, default: undefined, describe: "run ids (or latest) whose outcomes are pooled" })
        .option("apply", { type: "string", describe: "a task file (or - for stdin) to print with calibrated probabilities (the old value kept as raw_predicted_success_probability)" })
        .option("output", { type: "string", describe: "with --apply: write FILE (whole, or not at all) instead of stdout, its scripts named relative to FILE's directory, and print the fit" })
        .example("$0 calibrate latest", "the fit, and its cross-validated Brier and ECE, raw vs calibrated")
        .example("$0 calibrate RUN_A RUN_B --apply next.jsonl --output next.calibrated.jsonl", "calibrate the next run's predictions from two runs' outcomes"),
      handle(calibrateCommand),
    )
    .command(
      "metrics <run_id>",
      "the run's metrics in the OpenMetrics text format, for Prometheus; with --textfile, a file for node_exporter's textfile collector",
      (y) => y.positional("run_id", { type: "string", demandOption: true, describe: "a run id, or latest" })
        .option("textfile", { type: "string", describe: "write DIR/buddy_<run_id>.prom (whole, or not at all) instead of stdout, and print nothing; DIR must exist" })
        .example("$0 metrics latest", "the newest run's metrics")
        .example("$0 metrics latest --textfile /var/lib/prometheus/node-exporter", "the file node_exporter serves to Prometheus")
        .example("$0 metrics latest | promtool check metrics", "lint them (exit 0)"),
      handle(metricsCommand),
    )
    .command(
      "export <run_id>",
      "the run's tasks as an input file (task lines; script paths still resolve), to re-run some of them",
      (y) => y.positional("run_id", { type: "string", demandOption: true, describe: "a run id, or latest" })
        .option("status", { type: "string", describe: `only tasks of these statuses, comma-separated: ${EXPORT_STATUSES.join(", ")} (pending: not finished) [default: all]` })
        .option("output", { type: "string", describe: "write FILE (whole, or not at all) instead of stdout; its scripts are named relative to FILE's directory" })
        .example("$0 export latest --status failed,rejected | buddy run -", "re-run the tasks of the newest run that did not succeed"),
      handle(exportCommand),
    )
    .command(
      "schema [name]",
      `the JSON Schema of a record by its type (${Object.keys(SCHEMAS).join(", ")}); without a name, the names`,
      (y) => y.positional("name", { type: "string", describe: "a record type; omitted: the list of types" })
        .example("$0 schema", "the record types, one per line")
        .example("$0 schema task", "the schema of the `task` record")
        .example("$0 schema input", "the schema of an input task line"),
      handle(schemaCommand),
    )
    .command(
      "worker",
      "scale-out worker: claim attempts of runs on a shared backend and run them here",
      (y) => y.option("run", { type: "string", describe: "only this run's attempts [default: any run's]" })
        .option("threads", numeric("executor processes, 1 to 256 [default: CPU count]"))
        .option("lease-ms", numeric("a claim not renewed for this long is taken back and its attempt runs elsewhere", DEFAULT_WORKER_LEASE_MS))
        .option("exit-when-idle", { type: "boolean", default: false, describe: "exit 0 once no attempt is queued and no run is being coordinated" })
        .example("$0 worker --backend postgres://buddy@db.internal/buddy", "work on every run of the fleet until stopped (SIGTERM)"),
      handle(workerCommand),
    )
    .command("sandbox", "the task sandbox", (y) =>
      y
        .command(
          "eval [code]",
          "run one snippet exactly as a task attempt runs; print its result record",
          (e) => e.positional("code", { type: "string", describe: "the body of an async function" })
            .option("file", { type: "string", describe: "read the code from a file" })
            .option("input", { type: "string", describe: "JSON given to the code as `input`" })
            .option("timeout-ms", numeric("CPU deadline of the attempt", RUN_DEFAULTS.timeout_ms))
            .option("memory-mb", numeric("memory cap of the attempt", RUN_DEFAULTS.memory_mb))
            .option("seed", numeric("seed of the snippet's random choices (Math.random, crypto)", SNIPPET_SEED))
            .example("$0 sandbox eval 'return input.a + 1' --input '{\"a\":41}'", "prints a result record with result 42"),
          handle((args: SandboxArgs) => sandboxEvalCommand(args)),
        )
        .example("$0 sandbox eval 'return typeof fetch'", "what a task sees of the host: \"undefined\"")
        .demandCommand(1, "name a sandbox command: eval"),
    )
    .example("$0 run fixtures/demo.jsonl > results.jsonl", "run a task file; JSON lines on stdout")
    .example("$0 runs", "list the runs in .buddy/buddy.db")
    .demandCommand(1, "name a command")
    .strict()
    .version(pkg.version)
    .help()
    .alias("h", "help")
    // Unwrapped: an example cut mid-command cannot be copied; a terminal wraps long lines itself.
    .wrap(null)
    .fail((message, error) => {
      // buddy's own checks of the command line (flags.ts) say what they found.
      if (error instanceof BuddyError) process.exit(reportError(error));
      // yargs' own validation errors (a flag without its value) are usage errors too.
      if (error && error.name !== "YError") throw error;
      warn(usageMessage(message ?? error.message));
      process.exit(EXIT.INPUT);
    });
}

/**
 * An error that escapes every command (thrown from a timer or an event handler) would make Bun
 * print it and exit 1, a code that claims "some tasks failed"; it becomes one message and the
 * documented code for a bug instead (SPEC 3).
 */
function onEscapedError(error: unknown): void {
  process.exit(reportError(error));
}

export async function runCli(args: string[]): Promise<void> {
  process.on("uncaughtException", onEscapedError);
  process.on("unhandledRejection", onEscapedError);
  installStopSignals();
  // Records written nowhere would be lost without a word: refused before anything runs.
  if (stdoutClosedAtStart()) {
    warn("stdout is closed; buddy writes its records there (redirect it to a file or /dev/null instead)");
    process.exit(EXIT.INPUT);
  }
  await cli(args.map((a) => (a === "-" ? STDIN_ARG : a))).parseAsync();
  await endOutput();
}
