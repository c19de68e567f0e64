/**
 * The offline plan of one stack at one tier: the rendered resources, the tree per component, the
 * effective sizing, warnings, the cost estimate, the capacity check and the policy summary, plus
 * its renderings as a terminal table and as Markdown. `src/plan/cli.ts` is the command around it.
 */
import { BUDGET_EXCEPTIONS } from "./budget";
import { type CapacityCheck, checkCapacity } from "./capacity";
import { checkScheduling } from "./scheduling";
import { type CostEstimate, estimateCost } from "./cost";
import type { RenderedGraph } from "./harness";
import { GraphIndex } from "./model";
import { type Sizing, type Tier, TIER_DAU, TIER_NAMES } from "../../sizing";
import { evaluatePolicies, RULES } from "../../policy/index";
import { DEV_POLICY_CONFIG_FILE, devPolicyPackConfig, effectiveLevels } from "../../policy/pack-config";

/**
 * Version of the JSON documents `npm run plan` writes (plan, compare, diff). Raised when a field is
 * removed or changes meaning; adding a field keeps it. docs/plan.md's "JSON document" section is the schema.
 */
export const PLAN_SCHEMA_VERSION = 1;

/** One finding of the policy pack, normalised (policy/index.ts `evaluatePolicies`). */
export interface PolicyFinding {
  rule: string;
  severity: string;
  /** Under the stack's policy-pack config (dev: policy/config/dev.json), as CrossGuard would enforce it. */
  mandatory: boolean;
  /** Logical name (last URN segment). */
  resource: string;
  urn: string;
  message: string;
}

export interface PolicySummary {
  available: boolean;
  /** Rules in the pack, and how many of them have no violation. */
  rules: number;
  rulesPassing: number;
  failures: PolicyFinding[];
  mandatoryFailures: number;
  advisoryFailures: number;
  /** The policy-pack config file CI passes for this stack's environment (null: the levels in code). */
  config: string | null;
  note?: string;
}

/**
 * The policy pack's findings over the graph, summarised for the plan, at the levels CrossGuard
 * enforces for the stack's environment (dev: with policy/config/dev.json).
 */
export function evaluatePolicySummary(graph: RenderedGraph): PolicySummary {
  // Dev runs the pack with its exceptions advisory (policy/pack-config.ts); prod with the levels in code.
  const dev = graph.config.environment !== "prod";
  const levels = effectiveLevels(RULES, dev ? devPolicyPackConfig() : {});
  const failures: PolicyFinding[] = evaluatePolicies(graph).map((v) => ({
    rule: v.ruleId,
    severity: v.severity,
    mandatory: (levels[v.ruleId] ?? v.enforcement) === "mandatory",
    resource: v.resourceUrn.split("::").pop() ?? "",
    urn: v.resourceUrn,
    message: v.message,
  }));
  const rules = RULES.length;
  return {
    available: true,
    rules,
    rulesPassing: rules - new Set(failures.map((f) => f.rule)).size,
    failures,
    mandatoryFailures: failures.filter((f) => f.mandatory).length,
    advisoryFailures: failures.filter((f) => !f.mandatory).length,
    config: dev ? DEV_POLICY_CONFIG_FILE : null,
  };
}

export interface Plan {
  /** {@link PLAN_SCHEMA_VERSION}. */
  schemaVersion: number;
  kind: "plan";
  project: string;
  stack: string;
  environment: string;
  tier: Tier;
  region: string;
  gpuType: string;
  resources: { urn: string; type: string; name: string; parent?: string; custom: boolean; id: string; inputs: Record<string, unknown> }[];
  /** Resource counts per top-level component and type. */
  tree: { component: string; type: string; count: number }[];
  sizing: Sizing;
  warnings: string[];
  cost: CostEstimate;
  capacity: CapacityCheck;
  /**
   * Pods fit their nodes (src/plan/scheduling/): every Deployment on every node group that may run it,
   * after the kubelet's reservations and the DaemonSets, and a rollout at max replicas within the groups'
   * maxima. Per node group: the instance type and what is left for workloads.
   */
  scheduling: { ok: boolean; findings: string[]; pools: { pool: string; instanceType: string; freeCpuMilli: number; freeMemoryMiB: number; freePods: number }[] };
  policy: PolicySummary;
}

export function buildPlan(graph: RenderedGraph): Plan {
  const { config } = graph;
  const index = new GraphIndex(graph);
  const counts = new Map<string, number>();
  for (const r of graph.resources) {
    if (!r.custom && r.type.startsWith("platform:")) continue;
    const key = `${index.componentOf(r)}\u0000${r.type}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const tree = [...counts.entries()].map(([k, count]) => {
    const [component, type] = k.split("\u0000");
    return { component, type, count };
  });
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: "plan",
    project: graph.project,
    stack: graph.stack,
    environment: config.environment,
    tier: config.tier,
    region: config.region,
    gpuType: config.gpuType,
    resources: graph.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, custom: r.custom, id: r.id, inputs: r.inputs })),
    tree,
    sizing: config.sizing,
    warnings: config.warnings,
    cost: estimateCost(graph, config.sizing, config.tier),
    capacity: checkCapacity(graph, config.sizing, config.tier, config.gpuType),
    scheduling: schedulingSummary(graph),
    policy: evaluatePolicySummary(graph),
  };
}

function schedulingSummary(graph: RenderedGraph): Plan["scheduling"] {
  const report = checkScheduling(graph);
  return {
    ok: report.ok,
    findings: report.findings,
    pools: report.pools.map((p) => ({ pool: p.pool, instanceType: p.instanceType, freeCpuMilli: p.free.cpuMilli, freeMemoryMiB: p.free.memoryMiB, freePods: p.free.pods })),
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering.
// ---------------------------------------------------------------------------------------------

export const usd = (n: number): string =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: n < 10 ? 2 : 0, maximumFractionDigits: n < 10 ? 2 : 0 })}`;

function table(headers: string[], rows: (string | number)[][], markdown: boolean): string {
  const cells = rows.map((r) => r.map(String));
  if (markdown) {
    const line = (r: string[]) => `| ${r.join(" | ")} |`;
    return [line(headers), line(headers.map(() => "---")), ...cells.map(line)].join("\n");
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function heading(text: string, markdown: boolean, level = 2): string {
  return markdown ? `${"#".repeat(level)} ${text}` : `${text}\n${"=".repeat(text.length)}`;
}

/** Flattens the sizing into `path = value` rows; a list prints its items (objects as JSON), an empty one "none". */
function flatten(o: unknown, prefix = ""): [string, string][] {
  if (Array.isArray(o)) return [[prefix, o.length === 0 ? "none" : o.map((x) => (typeof x === "object" && x !== null ? JSON.stringify(x) : String(x))).join(", ")]];
  if (typeof o !== "object" || o === null) return [[prefix, String(o)]];
  return Object.entries(o).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

export function formatPlan(plan: Plan, markdown: boolean): string {
  const out: string[] = [];
  const { cost, capacity } = plan;
  out.push(heading(`Plan: stack ${plan.stack} (${plan.environment}), tier ${plan.tier}, ${plan.region}, GPU ${plan.gpuType}`, markdown, 1));
  out.push("");
  out.push(heading("Resources by component", markdown));
  const byComponent = new Map<string, { type: string; count: number }[]>();
  for (const t of plan.tree) byComponent.set(t.component, [...(byComponent.get(t.component) ?? []), t]);
  const treeRows: string[][] = [];
  for (const [component, types] of byComponent) {
    const total = types.reduce((s, t) => s + t.count, 0);
    treeRows.push([component, `${total} resources`, ""]);
    for (const t of types.sort((a, b) => b.count - a.count || a.type.localeCompare(b.type))) treeRows.push(["", t.type, String(t.count)]);
  }
  out.push(table(["component", "type", "count"], treeRows, markdown));
  out.push("");
  out.push(heading("Effective sizing", markdown));
  out.push(table(["setting", "value"], flatten(plan.sizing).filter(([k]) => !k.startsWith("usage.") && !k.startsWith("capacity.")), markdown));
  out.push("");
  out.push(heading("Warnings", markdown));
  out.push(plan.warnings.length ? plan.warnings.map((w) => `- ${w}`).join("\n") : "none");
  out.push("");
  out.push(heading(`Monthly cost (${cost.region} list prices of ${cost.priceDate}; * = estimate)`, markdown));
  const byComp = new Map<string, number>();
  for (const l of cost.lines) byComp.set(l.component, (byComp.get(l.component) ?? 0) + l.monthlyUsd);
  out.push(table(["component", "monthly"], [...byComp.entries()].sort((a, b) => b[1] - a[1]).map(([c, v]) => [c, usd(v)]), markdown));
  out.push("");
  out.push(
    table(
      ["component", "item", "quantity", "unit", "unit price", "monthly"],
      cost.lines.map((l) => [l.component, `${l.item}${l.estimate ? " *" : ""}`, String(l.quantity), l.unit, `$${l.unitUsd}`, usd(l.monthlyUsd)]),
      markdown,
    ),
  );
  out.push("");
  const dau = TIER_DAU[plan.tier];
  out.push(
    `Total: ${usd(cost.monthlyUsd)}/month (${usd(cost.monthlyUsd / dau)} per DAU) against a budget of ${usd(cost.budgetUsd)}: ` +
      (cost.fitsBudget ? "fits" : `OVER by ${usd(cost.monthlyUsd - cost.budgetUsd)}`),
  );
  if (cost.spotShortfallUsd > 0) {
    out.push(
      `Spot: with no spot GPU capacity all month, the on-demand fallback group would run those node hours for ${usd(cost.spotShortfallUsd)} more ` +
        `(${usd(cost.monthlyUsd + cost.spotShortfallUsd)}/month${cost.monthlyUsd + cost.spotShortfallUsd > cost.budgetUsd ? ", over budget" : ", within budget"})`,
    );
  }
  if (cost.spotWithoutFallback) {
    out.push("Spot: GPU nodes run on spot with no on-demand fallback group: a spot shortage costs nothing more, but the nodes it denies are not launched (less GPU capacity until spot returns)");
  }
  out.push(cost.unpriced.length ? `Unpriced (cost money, not in the model): ${cost.unpriced.join(", ")}` : "Unpriced: none");
  out.push("");
  out.push(heading("Usage assumptions", markdown));
  out.push(table(["assumption", "value", "meaning"], cost.assumptions.map((a) => [a.name, String(a.value), a.meaning]), markdown));
  out.push("");
  out.push(heading(`Capacity at max scale (required headroom ${capacity.requiredHeadroom}×)`, markdown));
  out.push(
    table(
      ["load", "modeled peak", "max at scale", "headroom"],
      [
        ["API requests/s", capacity.peakApiRps, capacity.maxApiRps, `${capacity.apiHeadroom}×`],
        ["inferences/s", capacity.peakInferencePerSec, capacity.maxInferencePerSec, `${capacity.inferenceHeadroom}×`],
        ["jobs/s", capacity.peakJobsPerSec, capacity.maxJobsPerSec, `${capacity.jobsHeadroom}×`],
      ],
      markdown,
    ),
  );
  out.push(`Capacity: ${capacity.ok ? "ok" : "NOT OK"}`);
  out.push(capacity.notes.map((n) => `- ${n}`).join("\n"));
  out.push("");
  out.push(heading("Scheduling (pods fit their nodes; rollouts at max replicas fit the node groups)", markdown));
  out.push(
    table(
      ["node group", "instance type", "free CPU (m)", "free memory (MiB)", "free pods"],
      plan.scheduling.pools.map((p) => [p.pool, p.instanceType, p.freeCpuMilli, p.freeMemoryMiB, p.freePods]),
      markdown,
    ),
  );
  out.push(`Scheduling: ${plan.scheduling.ok ? "ok" : "NOT OK"}`);
  if (plan.scheduling.findings.length > 0) out.push(plan.scheduling.findings.map((f) => `- ${f}`).join("\n"));
  out.push("");
  out.push(heading("Policy", markdown));
  const p = plan.policy;
  if (!p.available) out.push(p.note ?? "not evaluated");
  else {
    out.push(
      `${p.rulesPassing} of ${p.rules} rules pass; ${p.mandatoryFailures} mandatory and ${p.advisoryFailures} advisory violations` +
        (p.config ? ` (levels as CrossGuard enforces them with ${p.config})` : ""),
    );
    for (const f of p.failures) out.push(`- [${f.mandatory ? "mandatory" : "advisory"}/${f.severity}] ${f.rule} on ${f.resource}: ${f.message}`);
  }
  return out.join("\n") + "\n";
}

/** Whether a plan fits its tier's budget, or exceeds it within a documented exception (src/plan/budget.ts). */
export interface BudgetVerdict {
  status: "fits" | "exception" | "over";
  /** Estimate minus budget (negative: under). */
  overUsd: number;
  /** What the documented exception allows over budget (prod stacks only), else 0. */
  allowedOverUsd: number;
}

export function budgetVerdict(plan: Pick<Plan, "tier" | "cost" | "environment">): BudgetVerdict {
  const overUsd = Math.round((plan.cost.monthlyUsd - plan.cost.budgetUsd) * 100) / 100;
  // The exceptions are pinned to the dollar: within rounding of the pin is the documented exception.
  const allowedOverUsd = plan.environment === "prod" ? (BUDGET_EXCEPTIONS[plan.tier]?.overUsd ?? 0) : 0;
  const status = overUsd <= 0 ? "fits" : Math.round(overUsd) <= allowedOverUsd ? "exception" : "over";
  return { status, overUsd, allowedOverUsd };
}

/** One cost line as the comparison keys it (component + item). */
export interface CompareLine {
  component: string;
  item: string;
  monthlyUsd: number;
}

/** One stack at one tier, summarised: a row of `--compare` and the unit of `--compare-to`. */
export interface CompareRow {
  stack: string;
  environment: string;
  tier: Tier;
  dau: number;
  monthlyUsd: number;
  usdPerDau: number;
  budgetUsd: number;
  fitsBudget: boolean;
  budget: BudgetVerdict;
  apiHeadroom: number;
  inferenceHeadroom: number;
  jobsHeadroom: number;
  requiredHeadroom: number;
  capacityOk: boolean;
  mandatoryFailures: number;
  advisoryFailures: number;
  unpriced: string[];
  lines: CompareLine[];
}

export function compareRow(plan: Pick<Plan, "stack" | "environment" | "tier" | "cost" | "capacity" | "policy">): CompareRow {
  const dau = TIER_DAU[plan.tier];
  return {
    stack: plan.stack,
    environment: plan.environment,
    tier: plan.tier,
    dau,
    monthlyUsd: plan.cost.monthlyUsd,
    usdPerDau: Math.round((plan.cost.monthlyUsd / dau) * 10_000) / 10_000,
    budgetUsd: plan.cost.budgetUsd,
    fitsBudget: plan.cost.fitsBudget,
    budget: budgetVerdict(plan),
    apiHeadroom: plan.capacity.apiHeadroom,
    inferenceHeadroom: plan.capacity.inferenceHeadroom,
    jobsHeadroom: plan.capacity.jobsHeadroom,
    requiredHeadroom: plan.capacity.requiredHeadroom,
    capacityOk: plan.capacity.ok,
    mandatoryFailures: plan.policy.mandatoryFailures,
    advisoryFailures: plan.policy.advisoryFailures,
    unpriced: plan.cost.unpriced,
    lines: plan.cost.lines.map((l) => ({ component: l.component, item: l.item, monthlyUsd: l.monthlyUsd })),
  };
}

/** The tiers side by side (this exact Markdown is the README's cost table). */
export function formatCompare(stack: string, rows: Omit<CompareRow, "stack" | "environment" | "budget" | "lines" | "requiredHeadroom" | "capacityOk" | "mandatoryFailures" | "advisoryFailures">[], markdown: boolean): string {
  const ordered = TIER_NAMES.map((t) => rows.find((r) => r.tier === t)).filter((r) => r !== undefined);
  const body = table(
    ["tier", "DAU", "monthly", "$/DAU", "budget", "fits", "API headroom", "inference headroom", "jobs headroom"],
    ordered.map((r) => [
      r.tier,
      r.dau.toLocaleString("en-US"),
      usd(r.monthlyUsd),
      `$${r.usdPerDau.toFixed(4)}`,
      usd(r.budgetUsd),
      r.fitsBudget ? "yes" : `no (+${usd(r.monthlyUsd - r.budgetUsd)})`,
      `${r.apiHeadroom}×`,
      `${r.inferenceHeadroom}×`,
      `${r.jobsHeadroom}×`,
    ]),
    markdown,
  );
  return markdown ? `${body}\n` : `${heading(`Stack ${stack}: tiers compared`, false)}\n${body}\n`;
}
