/**
 * `npm run docs`: rewrites the README's generated blocks (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`)
 * from the code they describe. test/readme.test.ts fails when a block is stale, so tables of sizes,
 * alarms and rules cannot drift from what the program deploys.
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

/** Every generated block of the README, by name. */
export const GENERATED_BLOCKS: Record<string, () => string | Promise<string>> = {
  sizing: sizingTableMarkdown,
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

const README = path.join(REPO_ROOT, "README.md");

/** Regex matching one generated block with its markers. */
export function blockPattern(name: string): RegExp {
  return new RegExp(`(<!-- generated:${name} -->\\n)([\\s\\S]*?)(\\n<!-- /generated:${name} -->)`);
}

/** The README with every generated block replaced by its current content. Throws on a missing marker. */
export async function regenerate(readme: string): Promise<string> {
  let out = readme;
  for (const [name, generate] of Object.entries(GENERATED_BLOCKS)) {
    const pattern = blockPattern(name);
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> block`);
    const content = await generate();
    out = out.replace(pattern, (_m, open: string, _old: string, close: string) => `${open}${content}${close}`);
  }
  return out;
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
  const before = fs.readFileSync(README, "utf8");
  regenerate(before).then(
    (after) => {
      fs.writeFileSync(README, after);
      process.stderr.write(before === after ? "README.md is up to date\n" : "README.md regenerated\n");
    },
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
