/** Safety gates (SPEC 4.3): each rule, and live rejection versus dry-run would_reject. */
import { describe, expect, test } from "bun:test";
import { deriveRisk, type Task } from "../../src/core";
import { evaluateGates, referencedProviders, rejected, type GateOptions } from "../../src/manager";

function task(over: Partial<Task> = {}): Task {
  return {
    task_id: "t", seq: 0, wave: 1, priority: 2, predicted_success_probability: 0.9, predicted_execution_time: 1,
    risk_assessment: "LOW", uses: [], meta: {}, code: "return 1", ...over,
  };
}
const live: GateOptions = { min_confidence: 0.1, live: true, attempt: 1 };
const dry: GateOptions = { ...live, live: false };
const decision = (t: Task, gate: string, options = live) => evaluateGates(t, options).find((d) => d.gate === gate)!;

describe("evaluateGates", () => {
  test("four decisions in SPEC order, recorded with task and attempt", () => {
    const ds = evaluateGates(task(), { ...live, attempt: 3 });
    expect(ds.map((d) => [d.gate, d.decision])).toEqual([["structure", "pass"], ["min_confidence", "pass"], ["risk", "pass"], ["capability", "pass"]]);
    expect(ds.every((d) => d.task_id === "t" && d.attempt === 3 && d.reason.length > 0)).toBe(true);
    expect(rejected(ds)).toBeUndefined();
  });

  test("minimum confidence: p ≥ --min-confidence", () => {
    expect(decision(task({ predicted_success_probability: 0.5, risk_assessment: "LOW" }), "min_confidence", { ...live, min_confidence: 0.5 }).decision).toBe("pass");
    const low = decision(task({ predicted_success_probability: 0.05 }), "min_confidence");
    expect(low.decision).toBe("reject");
    expect(low.reason).toBe("p 0.05 is below min confidence 0.1");
  });

  test.each([
    ["LOW", 0.85, undefined, "pass"],
    ["LOW", 0.84, undefined, "reject"],
    ["MEDIUM", 0.7, undefined, "pass"],
    ["MEDIUM", 0.69, undefined, "reject"],
    ["LOW", 0.5, true, "pass"],
    ["HIGH", 0.5, true, "pass"],
    ["HIGH", 0.01, true, "pass"],
    ["HIGH", 0.95, undefined, "reject"],
    ["HIGH", 0.95, false, "reject"],
  ] as const)("risk %s with p %d and approved %p: %s", (risk, p, approved, expected) => {
    const t = task({ risk_assessment: risk, predicted_success_probability: p, ...(approved === undefined ? {} : { approved }) });
    expect(decision(t, "risk").decision).toBe(expected);
  });

  test("a risk derived from p never fails the risk gate for that p", () => {
    for (let i = 0; i <= 1000; i++) {
      const p = i / 1000;
      const derived = deriveRisk(p);
      if (derived === "HIGH") continue; // HIGH runs on approval, whatever p
      expect({ p, decision: decision(task({ risk_assessment: derived, predicted_success_probability: p }), "risk").decision }).toEqual({ p, decision: "pass" });
    }
  });

  test("approval passes the gates that judge p, whatever p, and not the capability gate", () => {
    const t = task({ risk_assessment: "HIGH", predicted_success_probability: 0.05, approved: true, code: "providers.ghl.x()" });
    const ds = evaluateGates(t, live);
    expect(ds.map((d) => [d.gate, d.decision])).toEqual([["structure", "pass"], ["min_confidence", "pass"], ["risk", "pass"], ["capability", "reject"]]);
    expect(ds[1]!.reason).toContain("approved: true");
  });

  test("HIGH risk without approval says approval is what is missing", () => {
    expect(decision(task({ risk_assessment: "HIGH", predicted_success_probability: 0.95 }), "risk").reason).toContain("approved: true");
  });

  test("capability: the code may only use the providers it declares", () => {
    const uses = (code: string, declared: Task["uses"] = []) => decision(task({ code, uses: declared }), "capability");
    expect(uses("return await providers.ghl.getContact('1')", ["ghl"]).decision).toBe("pass");
    const undeclared = uses("await providers.msgraph.sendEmail({})", ["ghl"]);
    expect(undeclared.decision).toBe("reject");
    expect(undeclared.reason).toBe("code references undeclared providers: msgraph (not in uses)");
    expect(uses('await providers["salesforce"].x()').reason).toContain("salesforce (no such provider)");
    expect(uses("return 1").reason).toBe("uses no provider");
    expect(decision(task({ code: undefined }), "capability").decision).toBe("pass"); // simulated
  });

  test("dry run records would_reject and nothing rejects", () => {
    const t = task({ predicted_success_probability: 0.05, risk_assessment: "HIGH", code: "providers.ghl.listContacts({})" });
    const ds = evaluateGates(t, dry);
    expect(ds.filter((d) => d.decision === "would_reject").map((d) => d.gate)).toEqual(["min_confidence", "risk", "capability"]);
    expect(rejected(ds)).toBeUndefined();
    expect(rejected(evaluateGates(t, live))?.gate).toBe("min_confidence");
  });
});

describe("referencedProviders", () => {
  test("dot, optional chaining, bracket with a literal, and destructuring", () => {
    expect(referencedProviders("providers.ghl.x(); providers?.msgraph; providers['mployer']")).toEqual(["ghl", "mployer", "msgraph"]);
    expect(referencedProviders("const { ghl, msgraph: mail } = providers;")).toEqual(["ghl", "msgraph"]);
    expect(referencedProviders("const p = providers; const name = 'ghl'; p[name]")).toEqual([]);
    expect(referencedProviders("myproviders.ghl")).toEqual([]);
  });
});
