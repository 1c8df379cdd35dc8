/** The `worker_attempt` record of `buddy worker` (SPEC 11): one line per attempt it finished. */
import { Type, type Static } from "@sinclair/typebox";
import { ATTEMPT_ERROR_CODES } from "../core";
import { Milliseconds, orNull, Timestamp } from "./common";

export const WorkerRecordSchema = Type.Object(
  {
    type: Type.Literal("worker_attempt"),
    run_id: Type.String(),
    task_id: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    status: Type.Union([Type.Literal("succeeded"), Type.Literal("failed")], { description: "how the attempt ended on this worker" }),
    code: orNull(Type.Union(ATTEMPT_ERROR_CODES.map((c) => Type.Literal(c))), "the error code of a failed attempt"),
    duration_ms: Milliseconds,
    counted: Type.Boolean({ description: "false: the job had been taken back (this worker was silent past its lease), so the run keeps another outcome" }),
    worker: Type.String({ description: "host:pid of this worker" }),
    ended_at: Timestamp,
  },
  { $id: "buddy/worker_attempt", title: "worker attempt record", additionalProperties: false },
);
export type WorkerRecord = Static<typeof WorkerRecordSchema>;
