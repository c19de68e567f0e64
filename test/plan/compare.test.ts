/**
 * Cost and capacity in every pull request: the base-vs-head comparison and its Markdown comment,
 * each --fail-on reason (exit 3, one line per reason), and the policy findings as SARIF 2.1.0,
 * validated against the OASIS schema as shipped by @microsoft/jest-sarif.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import AjvDraft04 from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { RULES } from "../../policy/index";
import { REMEDIATION } from "../../policy/remediation";
import { main } from "../../src/plan/cli";
import { COMMENT_MARKER, compareDocument, diffLines, diffRows, formatDiff, rowsOfDocument } from "../../src/plan/compare";
import { FAIL_ON_REASONS, type FailOnReason, gateFailures } from "../../src/plan/gate";
import { buildPlan, compareRow, type CompareRow, PLAN_SCHEMA_VERSION, type Plan } from "../../src/plan/report";
import { toSarif } from "../../src/plan/sarif";
import { rendered } from "../support/graph";

let prod: Plan;
let dev: Plan;
let prod1k: Plan;
let unschedulable: Plan;
beforeAll(async () => {
  // Triton asking for more memory than a GPU node has: the scheduling check must refuse it.
  const g = structuredClone(await rendered("prod", "10k"));
  const triton = g.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "inference-triton")!;
  const container = (triton.inputs as { spec: { template: { spec: { containers: { resources: { requests: Record<string, string> } }[] } } } }).spec.template.spec.containers[0];
  container.resources.requests.memory = "512Gi";
  unschedulable = buildPlan(g);
  prod1k = buildPlan(await rendered("prod", "1k"));
  prod = buildPlan(await rendered("prod", "10k"));
  dev = buildPlan(await rendered("dev", "1k"));
});

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The head: prod with its GPU line $120/month dearer and one new line. */
function dearer(row: CompareRow): CompareRow {
  const head = clone(row);
  const gpu = head.lines.findIndex((l) => /gpu/i.test(`${l.component} ${l.item}`));
  head.lines[gpu].monthlyUsd += 120;
  head.lines.push({ component: "gateway", item: "new thing", monthlyUsd: 10 });
  head.monthlyUsd += 130;
  head.usdPerDau = Math.round((head.monthlyUsd / head.dau) * 10_000) / 10_000;
  head.budget = { status: "over", overUsd: head.monthlyUsd - head.budgetUsd, allowedOverUsd: row.budget.allowedOverUsd };
  return head;
}

describe("--compare-to: base vs head", () => {
  it("matches rows by stack and tier; reports cost, $/DAU, verdict and the changed lines", () => {
    const base = compareRow(prod);
    const diff = diffRows([base, compareRow(dev)], [dearer(base), compareRow(dev)]);
    expect(diff.schemaVersion).toBe(PLAN_SCHEMA_VERSION);
    expect(diff.rows.map((r) => [r.stack, r.tier, r.status])).toEqual([
      ["dev", "1k", "unchanged"],
      ["prod", "10k", "changed"],
    ]);
    const p = diff.rows[1];
    expect(p.deltaUsd).toBeCloseTo(130, 5);
    expect(p.lines.map((l) => Math.round(l.deltaUsd))).toEqual([120, 10]);
    expect(p.lines[1]).toMatchObject({ component: "gateway", item: "new thing", beforeUsd: 0, afterUsd: 10 });
  });

  it("renders one GitHub comment: marker, a summary table, and the changed lines folded per stack and tier", () => {
    const base = compareRow(prod);
    const md = formatDiff(diffRows([base], [dearer(base)]), true);
    const lines = md.split("\n");
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines[1]).toBe("## Cost and capacity of this pull request");
    const header = lines.findIndex((l) => l.startsWith("| stack | tier | monthly |"));
    expect(lines[header + 1]).toMatch(/^\| --- \|/);
    const row = lines[header + 2];
    expect(row).toMatch(/^\| prod \| 10k \| \$[\d,]+ → \$[\d,]+ \| \+\$130 \(\+\d+\.\d%\) \| \$0\.\d{4} → \$0\.\d{4} \| .+ → ❌ OVER \$800 by \$\d+ \|/);
    // every row of each table has as many cells as its header (unescaped pipes)
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    const tables = md.split(/\n(?!\|)/).map((block) => block.split("\n").filter((l) => l.startsWith("|"))).filter((t) => t.length > 0);
    expect(tables).toHaveLength(2);
    for (const t of tables) for (const l of t) expect(cells(l), l).toBe(cells(t[0]));
    expect(md).toContain("<details><summary>prod at 10k: 2 cost lines changed (+$130/month)</summary>");
    expect(md).toMatch(/\| gateway \| new thing \| \$0\.00 \| \$10 \| \+\$10 \|/);
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md.match(/<\/details>/g)).toHaveLength(1);
  });

  it("a changed quantity in an item's name is one changed line, not a removed and an added one", () => {
    const before = [{ component: "inference", item: "g6.xlarge spot nodes: min 1 + 0.1 × 24 h/day (gpu)", monthlyUsd: 291 }];
    const after = [{ component: "inference", item: "g6.xlarge spot nodes: min 2 + 0.1 × 24 h/day (gpu)", monthlyUsd: 555 }];
    expect(diffLines(before, after)).toEqual([{ component: "inference", item: after[0].item, beforeUsd: 291, afterUsd: 555, deltaUsd: 264 }]);
    const other = [{ component: "gateway", item: "g6.xlarge spot nodes: min 2 + 0.1 × 24 h/day (gpu)", monthlyUsd: 555 }];
    expect(diffLines(before, other)).toHaveLength(2);
  });

  it("says so when nothing changes", () => {
    const row = compareRow(prod);
    expect(formatDiff(diffRows([row], [clone(row)]), true)).toContain("No change in monthly cost, budget verdict, capacity or policy");
  });

  it("marks stacks and tiers that are new or removed", () => {
    const diff = diffRows([compareRow(dev)], [compareRow(prod)]);
    expect(diff.rows.map((r) => r.status).sort()).toEqual(["new", "removed"]);
    expect(formatDiff(diff, true)).toMatch(/\| prod \| 10k \| new: \$/);
  });

  it("reads a plan document, a compare document and a pre-versioning compare document as base", () => {
    const fromPlan = rowsOfDocument(clone(prod), "plan.json");
    expect(fromPlan).toEqual([compareRow(prod)]);
    const doc = clone(compareDocument([compareRow(dev), compareRow(prod)]));
    expect(rowsOfDocument(doc, "base.json").map((r) => `${r.stack}@${r.tier}`)).toEqual(["dev@1k", "prod@10k"]);
    const legacy = { stack: "prod", tiers: [{ tier: "10k", dau: 10000, monthlyUsd: 800, usdPerDau: 0.08, budgetUsd: 800, fitsBudget: true, apiHeadroom: 2, inferenceHeadroom: 2, jobsHeadroom: 2, unpriced: [] }] };
    expect(rowsOfDocument(legacy, "old.json")[0]).toMatchObject({ stack: "prod", tier: "10k", lines: [], budget: { status: "fits" } });
    expect(() => rowsOfDocument({ schemaVersion: PLAN_SCHEMA_VERSION + 1, stacks: [] }, "new.json")).toThrow(/schemaVersion 2 is newer/);
    expect(() => rowsOfDocument([1, 2], "x.json")).toThrow(/neither a plan nor a compare document/);
  });

  it("runs end to end through the CLI: base file in, comment out", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cmp-"));
    const baseFile = path.join(dir, "base.json");
    const baseRow = compareRow(prod);
    baseRow.lines = baseRow.lines.map((l, i) => (i === 0 ? { ...l, monthlyUsd: l.monthlyUsd - 50 } : l));
    baseRow.monthlyUsd -= 50;
    fs.writeFileSync(baseFile, JSON.stringify(compareDocument([baseRow])));
    let out = "";
    const code = await main(["--stack", "prod", "--tier", "10k", "--compare-to", baseFile, "--format", "markdown"], { stdout: (s) => (out += s), stderr: () => undefined, plan: async () => prod });
    expect(code).toBe(0);
    expect(out.startsWith(COMMENT_MARKER)).toBe(true);
    expect(out).toContain("prod at 10k: 1 cost line changed (+$50/month)");
  });
});

describe("--fail-on", () => {
  /** A plan that fails exactly one reason. */
  const failing: Record<FailOnReason, () => Plan> = {
    budget: () => ({ ...clone(prod), cost: { ...clone(prod.cost), monthlyUsd: prod.cost.budgetUsd + 500 } }),
    capacity: () => ({ ...clone(prod), capacity: { ...clone(prod.capacity), inferenceHeadroom: 1.2, ok: false } }),
    scheduling: () => ({ ...clone(prod), scheduling: clone(unschedulable.scheduling) }),
    mandatory: () => {
      const p = clone(prod);
      p.policy.failures.push({ rule: "rds-multi-az", severity: "high", mandatory: true, resource: "database-writer", urn: "urn:x", message: "single-AZ" });
      return p;
    },
    advisory: () => clone(prod),
    unpriced: () => ({ ...clone(prod), cost: { ...clone(prod.cost), unpriced: ["aws:foo/bar:Bar"] } }),
    warnings: () => ({ ...clone(prod), warnings: ["something weak"] }),
  };

  it("the shipped prod plan passes budget, capacity, scheduling, mandatory, unpriced and warnings (advisory findings exist)", () => {
    expect(gateFailures([prod], ["budget", "capacity", "scheduling", "mandatory", "unpriced", "warnings"])).toEqual([]);
    expect(prod.scheduling.ok).toBe(true);
    expect(prod.scheduling.pools.length).toBeGreaterThanOrEqual(2);
    expect(prod.policy.advisoryFailures).toBeGreaterThan(0);
  });

  it("dev passes mandatory under its policy-pack config (its exceptions are advisory there)", () => {
    expect(dev.policy.config).toBe("policy/config/dev.json");
    expect(dev.policy.mandatoryFailures).toBe(0);
    expect(dev.policy.advisoryFailures).toBeGreaterThan(0);
    expect(prod.policy.config).toBeNull();
  });

  it.each(Object.keys(FAIL_ON_REASONS) as FailOnReason[])("%s: exits 3 with one line naming the reason", async (reason) => {
    const plan = failing[reason]();
    const errors: string[] = [];
    const code = await main(["--stack", "prod", "--fail-on", reason], { stdout: () => undefined, stderr: (s) => errors.push(s), plan: async () => plan });
    expect(code).toBe(3);
    const lines = errors.join("").split("\n").filter((l) => l.startsWith("fail-on"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^fail-on ${reason}: prod at 10k `));
    // the same plan passes every other reason (each reason is its own gate)
    const others = (Object.keys(FAIL_ON_REASONS) as FailOnReason[]).filter((r) => r !== reason && r !== "advisory");
    if (reason !== "advisory") expect(gateFailures([plan], others)).toEqual([]);
  });

  it("budget counts the documented exception: prod 1k over by its pinned amount passes, a dearer one fails", () => {
    expect(prod1k.cost.monthlyUsd).toBeGreaterThan(prod1k.cost.budgetUsd);
    expect(gateFailures([prod1k], ["budget"])).toEqual([]);
    const dearer = { ...clone(prod1k), cost: { ...clone(prod1k.cost), monthlyUsd: prod1k.cost.budgetUsd + 500 } };
    expect(gateFailures([dearer], ["budget"])[0]).toMatch(/over its \$250 budget by \$500(\.\d+)? \(documented exception allows \$\d+\)/);
    // 10k fits its budget: no exception, so any overrun fails.
    expect(prod.cost.monthlyUsd).toBeLessThanOrEqual(prod.cost.budgetUsd);
    expect(gateFailures([failing.budget()], ["budget"])[0]).toMatch(/over its \$800 budget by \$500(\.\d+)?$/);
  });
});

describe("SARIF 2.1.0", () => {
  const schema = JSON.parse(fs.readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as object;
  // unicodeRegExp off: the published schema's language pattern `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`
  // is valid only as a non-unicode regular expression. Formats (uri) are not checked.
  const validate = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);

  it("validates against the SARIF 2.1.0 schema, with every rule and a located result per finding", () => {
    const log = clone(toSarif([prod, dev], "0.1.0"));
    const valid = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
    expect(run.results).toHaveLength(prod.policy.failures.length + dev.policy.failures.length);
    for (const r of run.results ?? []) {
      expect(r.locations?.[0].physicalLocation?.artifactLocation?.uri).toMatch(/^Pulumi\.(prod|dev)\.yaml$/);
      expect(run.tool.driver.rules?.[r.ruleIndex!].id).toBe(r.ruleId);
    }
  });

  it("carries each rule's Checkov/FSBP ids, remediation text, severity and enforcement", () => {
    const rules = toSarif([prod], "0.1.0").runs[0].tool.driver.rules!;
    for (const rule of RULES) {
      const d = rules.find((x) => x.id === rule.id)!;
      expect(d.help?.text).toContain(REMEDIATION[rule.id]);
      for (const id of [...(rule.controls.checkov ?? []), ...(rule.controls.fsbp ?? [])]) expect(d.fullDescription?.text).toContain(id);
      expect(d.properties?.["security-severity"]).toMatch(/^\d+\.\d$/);
      expect(d.defaultConfiguration?.level).toBe(rule.enforcement === "mandatory" ? "error" : "warning");
    }
  });

  it("a schema violation is caught (the validator can fail)", () => {
    const log = clone(toSarif([prod], "0.1.0")) as unknown as { version: string };
    log.version = "2.0.0";
    expect(validate(log)).toBe(false);
  });
});
