/**
 * `--fail-on <reasons>`: the plan exits non-zero when a planned stack meets one of the reasons, with
 * one line per failing stack × tier and reason on stderr. CI runs it on prod (preview.yml).
 */
import { budgetVerdict, type Plan, usd } from "./report";

export const FAIL_ON_REASONS = {
  budget: "monthly cost over the tier's budget by more than its documented exception (src/plan/budget.ts)",
  capacity: "capacity headroom under the required factor for API, inference or jobs",
  scheduling: "a pod that fits no node it may run on, or a rollout at max replicas that exceeds the node groups (src/plan/scheduling/)",
  mandatory: "mandatory policy violations (dev: under policy/config/dev.json, as CrossGuard enforces them)",
  advisory: "any advisory policy violation",
  unpriced: "resource types that cost money but are not in the cost model",
  warnings: "config warnings (no certificate, open Kubernetes API, region not priced, ...)",
} as const;

export type FailOnReason = keyof typeof FAIL_ON_REASONS;

export function isFailOnReason(s: string): s is FailOnReason {
  return Object.hasOwn(FAIL_ON_REASONS, s);
}

/** The lines the gate prints, one per plan and reason that fails (empty: the gate passes). */
export function gateFailures(plans: Plan[], reasons: readonly FailOnReason[]): string[] {
  const out: string[] = [];
  for (const p of plans) {
    const at = `${p.stack} at ${p.tier}`;
    for (const reason of reasons) {
      switch (reason) {
        case "budget": {
          const v = budgetVerdict(p);
          if (v.status === "over") {
            const allowed = v.allowedOverUsd > 0 ? ` (documented exception allows ${usd(v.allowedOverUsd)})` : "";
            out.push(`fail-on budget: ${at} costs ${usd(p.cost.monthlyUsd)}/month, over its ${usd(p.cost.budgetUsd)} budget by ${usd(v.overUsd)}${allowed}`);
          }
          break;
        }
        case "capacity": {
          const c = p.capacity;
          const low = (
            [
              ["API", c.apiHeadroom],
              ["inference", c.inferenceHeadroom],
              ["jobs", c.jobsHeadroom],
            ] as const
          ).filter(([, h]) => h < c.requiredHeadroom);
          if (!c.ok || low.length > 0) {
            out.push(`fail-on capacity: ${at} has ${low.map(([n, h]) => `${n} headroom ${h}×`).join(", ") || "insufficient capacity"} (required ${c.requiredHeadroom}×)`);
          }
          break;
        }
        case "mandatory":
        case "advisory": {
          const found = p.policy.failures.filter((f) => f.mandatory === (reason === "mandatory"));
          if (found.length > 0) {
            const rules = [...new Set(found.map((f) => f.rule))];
            out.push(`fail-on ${reason}: ${at} has ${found.length} ${reason} policy violation${found.length === 1 ? "" : "s"} (${rules.join(", ")})`);
          }
          if (!p.policy.available && reason === "mandatory") out.push(`fail-on mandatory: ${at}: policy not evaluated (${p.policy.note ?? "unknown"})`);
          break;
        }
        case "scheduling":
          if (!p.scheduling.ok || p.scheduling.findings.length > 0) {
            out.push(`fail-on scheduling: ${at} has ${p.scheduling.findings.length} finding(s): ${p.scheduling.findings.join(" | ") || "scheduling check failed"}`);
          }
          break;
        case "unpriced":
          if (p.cost.unpriced.length > 0) out.push(`fail-on unpriced: ${at} has unpriced resource types: ${p.cost.unpriced.join(", ")}`);
          break;
        case "warnings":
          if (p.warnings.length > 0) out.push(`fail-on warnings: ${at} has ${p.warnings.length} config warning${p.warnings.length === 1 ? "" : "s"}: ${p.warnings.join(" | ")}`);
          break;
      }
    }
  }
  return out;
}
