/** The `validation` record of `buddy validate`: whether the input would run, and why not. */
import { Type, type Static } from "@sinclair/typebox";
import { Count } from "./common";

export const ValidationRecordSchema = Type.Object(
  {
    type: Type.Literal("validation"),
    input: Type.String(),
    ok: Type.Boolean(),
    tasks: Count,
    waves: Type.Array(Type.Integer({ minimum: 1 }), { description: "distinct waves of the valid tasks, ascending" }),
    problems: Type.Array(Type.String({ description: "FILE:LINE: field: message" })),
    warnings: Type.Array(Type.String({ description: "FILE:LINE: field: message, of an unknown field that looks like a known one (kept in meta)" })),
  },
  { $id: "buddy/validation", title: "validation record", additionalProperties: false },
);
export type ValidationRecord = Static<typeof ValidationRecordSchema>;
