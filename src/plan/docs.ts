/**
 * `npm run docs`: rewrites the generated blocks (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`)
 * of README.md and of every chapter under docs/ from the code they describe. Each block lives in
 * exactly one of those files (wherever its chapter is); test/readme.test.ts fails when a block is stale,
 * missing or duplicated, so tables of sizes, outputs, alarms and rules cannot drift from what the
 * program deploys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { alarmTableMarkdown } from "./alarm-table";
import { DEV_POLICY_CONFIG_FILE, devPolicyPackConfigText } from "../../policy/pack-config";
import { SECURITY_BLOCKS } from "../../policy/readme";
import { REPO_ROOT } from "./harness";
import { TIER_NAMES } from "../../sizing";
import { BEFORE_LEVERS_USD, BUDGET_EXCEPTIONS, FLOOR_USD, LEVER_SAVINGS } from "./budget";
import { LEVERS } from "./levers";
import { planStack, renderForCli } from "./cli";
import { diffRows, formatDiff } from "./compare";
import { buildPlan, compareRow, formatCompare } from "./report";
import { sizingTableMarkdown } from "./sizing-table";
import { configReferenceMarkdown } from "./config-reference";
import { outputsTableMarkdown } from "./outputs-table";
import { dataLayerSizingMarkdown, loadModelMarkdown, servicesScalingMarkdown } from "./tier-tables";

/** Every generated block of the docs, by name (the file holding it is found by its marker). */
export const GENERATED_BLOCKS: Record<string, () => string | Promise<string>> = {
  sizing: sizingTableMarkdown,
  "load-model": loadModelMarkdown,
  "services-scaling": servicesScalingMarkdown,
  "data-layer-sizing": dataLayerSizingMarkdown,
  "config-reference": configReferenceMarkdown,
  outputs: outputsTableMarkdown,
  cost: costMarkdown,
  alarms: () => alarmTableMarkdown(),
  ...SECURITY_BLOCKS,
  "pr-comment": prCommentMarkdown,
};

/** The change the README's sample pull-request comment shows: prod keeps two GPU nodes warm at 10k. */
export const SAMPLE_PR_CHANGE = { stack: "prod", tier: "10k", overrides: { gpu: { minNodes: 2 } } } as const;

/**
 * The sample pull-request comment: exactly what `--compare-to` prints for {@link SAMPLE_PR_CHANGE}
 * (base: the shipped stack; head: the stack with the override), quoted so it renders as a comment.
 */
export async function prCommentMarkdown(): Promise<string> {
  const { stack, tier, overrides } = SAMPLE_PR_CHANGE;
  const base = await planStack(stack, tier);
  const head = buildPlan(await renderForCli({ stack, tier, config: { overrides: JSON.stringify(overrides) } }));
  const comment = formatDiff(diffRows([compareRow(base)], [compareRow(head)]), true);
  return comment
    .trimEnd()
    .split("\n")
    .map((l) => (l ? `> ${l}` : ">"))
    .join("\n");
}

/** The files whose blocks `npm run docs` rewrites, relative to the repository root: README.md, then docs/*.md. */
export function documentFiles(root = REPO_ROOT): string[] {
  const chapters = fs
    .readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...chapters];
}

/** Regex matching one generated block with its markers. */
export function blockPattern(name: string): RegExp {
  return new RegExp(`(<!-- generated:${name} -->\\n)([\\s\\S]*?)(\\n<!-- /generated:${name} -->)`);
}

/** Names of the generated blocks a document holds, in order. */
export function blockNames(text: string): string[] {
  return [...text.matchAll(/<!-- generated:([a-z0-9-]+) -->/g)].map((m) => m[1]);
}

/** The document with each of its generated blocks replaced by its current content. Throws on an unknown block. */
export async function regenerate(text: string, file = "README.md"): Promise<string> {
  let out = text;
  for (const name of blockNames(text)) {
    const generate = GENERATED_BLOCKS[name];
    if (!generate) throw new Error(`${file}: <!-- generated:${name} --> names no generator in src/plan/docs.ts`);
    const pattern = blockPattern(name);
    if (!pattern.test(out)) throw new Error(`${file}: <!-- generated:${name} --> has no closing <!-- /generated:${name} -->`);
    const content = await generate();
    out = out.replace(pattern, (_m, open: string, _old: string, close: string) => `${open}${content}${close}`);
  }
  return out;
}

/** The file holding each generated block. Throws when a block is in no file or in more than one. */
export function blockLocations(root = REPO_ROOT): Record<string, string> {
  const found: Record<string, string[]> = {};
  for (const file of documentFiles(root)) {
    for (const name of blockNames(fs.readFileSync(path.join(root, file), "utf8"))) (found[name] ??= []).push(file);
  }
  const problems = Object.keys(GENERATED_BLOCKS)
    .filter((name) => (found[name] ?? []).length !== 1)
    .map((name) => `<!-- generated:${name} --> is in ${found[name]?.join(" and ") ?? "no file"} (README.md or docs/*.md, exactly once)`);
  if (problems.length) throw new Error(problems.join("\n"));
  return Object.fromEntries(Object.entries(found).map(([name, files]) => [name, files[0]]));
}

/** The prod stack's cost and capacity per tier, and the documented budget exceptions. */
export async function costMarkdown(): Promise<string> {
  const plans = [];
  for (const tier of TIER_NAMES) plans.push(await planStack("prod", tier));
  const exceptions = Object.entries(BUDGET_EXCEPTIONS).map(
    ([tier, e]) => `* **${tier}: $${e.overUsd} over budget**: ${e.reason}.`,
  );
  const levers = LEVERS.map(
    (l) =>
      `| ${l.what} | ${TIER_NAMES.map((t) => (LEVER_SAVINGS[l.id]?.[t] !== undefined ? `−$${LEVER_SAVINGS[l.id][t]}` : "—")).join(" | ")} | ${l.promise} |`,
  );
  return [
    formatCompare("prod", plans.map(compareRow), true).trimEnd(),
    "",
    "Floor (before the first user: minimum counts and always-on resources, `cost.floorUsd`), the estimate before",
    "issue 15's levers, and what each lever saves (measured alone against the shipped stack by `src/plan/levers.ts`,",
    "pinned by `test/plan/levers.test.ts`):",
    "",
    `| | ${TIER_NAMES.join(" | ")} | why every promise holds |`,
    `| --- | ${TIER_NAMES.map(() => "---").join(" | ")} | --- |`,
    `| floor before traffic | ${TIER_NAMES.map((t) => `$${FLOOR_USD[t].toLocaleString("en-US")}`).join(" | ")} | |`,
    `| estimate before the levers | ${TIER_NAMES.map((t) => `$${BEFORE_LEVERS_USD[t].toLocaleString("en-US")}`).join(" | ")} | |`,
    ...levers,
    `| estimate now | ${plans.map((p) => `$${Math.round(p.cost.monthlyUsd).toLocaleString("en-US")}`).join(" | ")} | |`,
    "",
    exceptions.length > 0 ? "Budget exceptions (each pinned by `test/plan/cost.test.ts`, to the dollar):" : "Every tier fits its budget.",
    ...(exceptions.length > 0 ? ["", ...exceptions] : []),
  ].join("\n");
}

if (require.main === module) {
  // The dev policy-pack config is generated too (test/policy/pack-config.test.ts compares it).
  const configFile = path.join(REPO_ROOT, DEV_POLICY_CONFIG_FILE);
  const config = devPolicyPackConfigText();
  if (!fs.existsSync(configFile) || fs.readFileSync(configFile, "utf8") !== config) {
    fs.writeFileSync(configFile, config);
    process.stderr.write(`${DEV_POLICY_CONFIG_FILE} regenerated\n`);
  }
  const run = async () => {
    blockLocations();
    for (const file of documentFiles()) {
      const full = path.join(REPO_ROOT, file);
      const before = fs.readFileSync(full, "utf8");
      const after = await regenerate(before, file);
      if (after !== before) fs.writeFileSync(full, after);
      process.stderr.write(before === after ? `${file} is up to date\n` : `${file} regenerated\n`);
    }
  };
  run().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
