/**
 * One attempt from request to outcome: pre-checks, a fresh session, input, task evaluation, job
 * draining (with waits for provider answers), and result or error read inside the guest. Nothing
 * rejects out of `runAttempt`: an exception from the engine itself (host stack overflow,
 * Emscripten abort, failed dispose) ends the attempt and marks the module for discarding
 * (sandbox-notes rule 3).
 */
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { AttemptLog } from "../attempt-log";
import {
  cap,
  describeThrown,
  failureFromCompileError,
  failureFromThrown,
  isStackError,
  type ThrownDescription,
} from "../classify";
import {
  CODE_LIMIT_BYTES,
  MiB,
  POST_BUDGET_MS,
  RESULT_LIMIT_BYTES,
  type SandboxSettings,
} from "../limits";
import { taskFrames } from "../frames";
import { providerHint } from "../provider-hint";
import { nestingDepth } from "../nesting";
import { isImportSyntaxError, violationForStaticImport } from "../policy";
import { utf8Length } from "../text";
import type { SandboxFailure, SandboxHost, SandboxOutcome, SandboxRequest } from "../types";
import { reachedCap, type Engine } from "./engine";
import { stringLength } from "./handles";
import { unmark } from "./overflow-mark";
import { Session } from "./session";

type Ending = { resultJson: string } | { error: SandboxFailure };

export interface AttemptResult {
  outcome: SandboxOutcome;
  /** The module must not serve another attempt. */
  discardEngine: boolean;
}

export async function runAttempt(
  engine: Engine,
  request: SandboxRequest,
  settings: SandboxSettings,
  host: SandboxHost | undefined,
  /** When the attempt's deadline started (settings.now()). */
  started: number,
): Promise<AttemptResult> {
  const log = new AttemptLog(request.code);
  let session: Session | undefined;
  // The attempt's own time: what other attempts kept it off the thread is not counted.
  const done = (ending: Ending, discard: boolean): AttemptResult => ({
    outcome: log.outcome(ending, settings.now() - started - (session?.heldOffMs ?? 0)),
    discardEngine: discard || reachedCap(engine) || ("error" in ending && ending.error.code === "MEMORY_LIMIT"),
  });

  const refused = precheck(request, settings);
  if (refused !== undefined) return done({ error: refused }, false);

  let ending: Ending;
  try {
    session = new Session(engine.module, settings, request, started, log, engine.overflowMark.arm(), host);
    ending = blameMemory(await execute(session, request, log, settings), engine, request);
    if (session.hostFault !== undefined) throw session.hostFault;
  } catch (error) {
    // Never dispose after a host-level failure: that is where Emscripten aborts (2.4, 2.6).
    settings.onEngineFault(error);
    return done({ error: hostFailure(error, engine, settings, session?.deadline ?? started + request.timeoutMs) }, true);
  }
  try {
    session.dispose();
  } catch (error) {
    settings.onEngineFault(error);
    return done(ending, true);
  }
  return done(ending, false);
}

/**
 * An attempt whose module reached its cap is a memory failure, whatever surfaced: when even the
 * error object cannot be allocated, QuickJS throws `null` instead, and an allocation that failed
 * in a job the task left behind (or one the task caught) still exhausted the task's memory. This
 * is the engine's fact; the text of an error never decides MEMORY_LIMIT (SPEC 5).
 */
function blameMemory(ending: Ending, engine: Engine, request: SandboxRequest): Ending {
  if (!reachedCap(engine)) return ending;
  const code = "error" in ending ? ending.error.code : undefined;
  if (code === "MEMORY_LIMIT" || code === "TIMEOUT") return ending;
  return { error: { code: "MEMORY_LIMIT", message: `the task exhausted its memory limit of ${request.memoryMb} MiB` } };
}

/** Refusals that need no engine: oversized source or input, and nesting too deep to parse. */
function precheck(request: SandboxRequest, settings: SandboxSettings): SandboxFailure | undefined {
  if (utf8Length(request.code) > CODE_LIMIT_BYTES) {
    return { code: "SYNTAX_ERROR", message: `the task code is larger than ${CODE_LIMIT_BYTES / MiB} MiB` };
  }
  const depth = nestingDepth(request.code, settings.maxNesting);
  if (depth > settings.maxNesting) {
    return {
      code: "STACK_OVERFLOW",
      message: `the task code nests brackets deeper than ${settings.maxNesting} levels`,
    };
  }
  // The input is parsed inside the guest on first read: nesting the parser cannot take is refused
  // here, from the host's own count, like nested source.
  if (nestingDepth(request.inputJson, settings.maxNesting) > settings.maxNesting) {
    return { code: "STACK_OVERFLOW", message: `the task input nests deeper than ${settings.maxNesting} levels` };
  }
  // The input is copied into the module; it must fit comfortably under the cap, because a failed
  // host-side allocation near the cap corrupts the module (2.3).
  if (utf8Length(request.inputJson) > (Math.max(1, request.memoryMb) * MiB) / 4) {
    return { code: "MEMORY_LIMIT", message: "the task input is too large for its memory limit" };
  }
  return undefined;
}

async function execute(session: Session, request: SandboxRequest, log: AttemptLog, settings: SandboxSettings): Promise<Ending> {
  const ending = await evaluate(session, request, log, settings);
  // Reading the result or the error ran guest code, which may have queued jobs: the attempt is
  // finished only when they have run too.
  return session.finishJobs() ? ending : { error: timeout(request) };
}

async function evaluate(session: Session, request: SandboxRequest, log: AttemptLog, settings: SandboxSettings): Promise<Ending> {
  const evaluated = session.evalTask(request.code);
  if ("error" in evaluated) {
    const description = takeDescription(session, evaluated.error);
    if (pastDeadline(session, settings)) return { error: timeout(request) };
    if (description === undefined) return { error: undescribable() };
    if (description.name === "SyntaxError" && isImportSyntaxError(description.message ?? "", description.lineNumber, request.code)) {
      log.recordImport(violationForStaticImport());
    }
    return { error: located(failureFromCompileError(description), description, session) };
  }

  const drained = await session.drain(evaluated.promise);
  if (drained.type === "timeout") return { error: timeout(request) };
  if (drained.type === "stuck") {
    return {
      error: {
        code: "TIMEOUT",
        message: "the task's promise can never settle: it awaits something nothing will resolve",
      },
    };
  }
  try {
    // A settlement after the deadline may be a swallowed interrupt (2.2): the clock decides.
    if (pastDeadline(session, settings)) return { error: timeout(request) };
    // Serialising runs the task's own code (getters, toJSON, traps): it counts against the task's
    // deadline, but a result finished just before it gets a short allowance to be read.
    session.deadline = Math.max(session.deadline, settings.now() + POST_BUDGET_MS);
    if (drained.state === "fulfilled") return readResult(session, drained.value, request, settings);
    const description = session.describe(drained.value);
    if (session.resultRefused && !pastDeadline(session, settings)) {
      // The body returned; reading the returned value's `then` failed (guest/wrapper.ts). A limit
      // hit while reading it (a trap that recursed or allocated) keeps its own code.
      if (description === undefined) return { error: notJson("reading it failed") };
      if (isStackError(description)) return { error: failureFromThrown(description) };
      return { error: notJson(`reading it failed: ${describeThrown(description)}`) };
    }
    return { error: thrownFailure(session, description, request, settings) };
  } finally {
    if (drained.owned) drained.value.dispose();
  }
}

/**
 * The result as JSON text. Primitives are read directly (that runs no guest code; a string's
 * length is checked before it is copied out); objects go through the guest serialiser
 * (guest/serialise.ts), so their getters, `toJSON` and Proxy traps run inside the guest, under
 * the post-budget deadline, with nesting and size bounded.
 */
function readResult(session: Session, value: QuickJSHandle, request: SandboxRequest, settings: SandboxSettings): Ending {
  const ctx = session.context;
  const type = ctx.typeof(value);
  switch (type) {
    case "undefined":
      return { resultJson: "null" };
    case "number":
      return { resultJson: JSON.stringify(ctx.getNumber(value)) };
    case "boolean":
      return { resultJson: ctx.sameValue(value, ctx.true) ? "true" : "false" };
    case "object":
      if (ctx.sameValue(value, ctx.null)) return { resultJson: "null" };
      break;
    case "string": {
      // A string of n characters is at least n + 2 bytes of JSON: a long one is never copied out.
      if (stringLength(ctx, value) > RESULT_LIMIT_BYTES) return { error: outputLimit() };
      return checkedSize(unmark(JSON.stringify(session.exactString(value)), session.overflowToken));
    }
    default:
      return { error: notJson(`a ${type} is not JSON`) };
  }
  const answer = session.serialise(value, RESULT_LIMIT_BYTES);
  if ("thrown" in answer) {
    const description = takeDescription(session, answer.thrown);
    if (pastDeadline(session, settings)) return { error: timeout(request) };
    if (description === undefined) return { error: notJson("its serialisation failed") };
    if (isStackError(description)) return { error: { code: "STACK_OVERFLOW", message: describeThrown(description) } };
    return { error: notJson(describeThrown(description)) };
  }
  if ("refused" in answer) {
    if (pastDeadline(session, settings)) return { error: timeout(request) };
    switch (answer.refused) {
      case "too-large":
        return { error: outputLimit() };
      case "too-deep":
        return {
          error: { code: "STACK_OVERFLOW", message: `the result nests deeper than ${settings.maxNesting} levels` },
        };
      case "nothing":
        return { error: notJson("it serialises to nothing") };
      default:
        return answer.refused satisfies never;
    }
  }
  return checkedSize(unmark(answer.text, session.overflowToken));
}

const checkedSize = (json: string): Ending =>
  utf8Length(json) > RESULT_LIMIT_BYTES ? { error: outputLimit() } : { resultJson: json };

const notJson = (why: string): SandboxFailure => ({
  code: "RESULT_NOT_JSON",
  message: cap(`the result is not JSON-serialisable: ${why}`),
});

const outputLimit = (): SandboxFailure => ({
  code: "OUTPUT_LIMIT",
  message: `the result is larger than ${RESULT_LIMIT_BYTES / MiB} MiB of JSON`,
});

/** The failure for a value thrown by (or into) task code, from its description. */
function thrownFailure(
  session: Session,
  description: ThrownDescription | undefined,
  request: SandboxRequest,
  settings: SandboxSettings,
): SandboxFailure {
  if (pastDeadline(session, settings)) return timeout(request);
  if (description === undefined) return undescribable();
  const failure = located(failureFromThrown(description), description, session);
  // Only the engine's own TypeError of a call or read on something missing gets a hint.
  if (failure.code === "TASK_ERROR" && description.name === "TypeError") {
    const hint = providerHint(request.code, failure.location, request.uses ?? []);
    if (hint !== undefined) failure.message = cap(`${failure.message}: ${hint}`);
  }
  return failure;
}

/** The failure with where in the task's own code it happened, when the thrown value says. */
function located(failure: SandboxFailure, description: ThrownDescription, session: Session): SandboxFailure {
  const { location, stack } = taskFrames(description.stack, session.source);
  if (location !== undefined) failure.location = location;
  if (stack !== undefined) failure.stack = stack;
  return failure;
}

/** Describes and then disposes a thrown value's handle. */
function takeDescription(session: Session, thrown: QuickJSHandle): ThrownDescription | undefined {
  try {
    return session.describe(thrown);
  } finally {
    thrown.dispose();
  }
}

function undescribable(): SandboxFailure {
  return { code: "TASK_ERROR", message: "the task failed with a value that could not be described" };
}

const pastDeadline = (session: Session, settings: SandboxSettings): boolean => settings.now() > session.deadline;

const timeout = (request: SandboxRequest): SandboxFailure => ({
  code: "TIMEOUT",
  message: `the task exceeded its deadline of ${request.timeoutMs} ms`,
});

/**
 * Classifies an exception out of the engine itself; its text is never shown to anyone. Past the
 * deadline it is TIMEOUT whatever broke: the interrupt handler fired (QuickJS's "interrupted"
 * can surface as a failed call into the sandbox's own guest code, e.g. a bootstrap interrupted on
 * a cold, loaded executor, before the session even exists), and the attempt was over anyway.
 */
function hostFailure(error: unknown, engine: Engine, settings: SandboxSettings, deadline: number): SandboxFailure {
  if (error instanceof RangeError) {
    return { code: "STACK_OVERFLOW", message: "the task exhausted the native stack" };
  }
  if (reachedCap(engine)) return { code: "MEMORY_LIMIT", message: "the task exhausted the sandbox memory" };
  if (settings.now() > deadline) return { code: "TIMEOUT", message: "the task exceeded its deadline" };
  return { code: "AGENT_CRASH", message: "the sandbox engine failed; it was replaced" };
}
