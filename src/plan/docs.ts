/**
 * `npm run docs`: rewrites the README's generated blocks (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`)
 * from the code they describe. test/readme.test.ts fails when a block is stale, so tables of sizes,
 * alarms and rules cannot drift from what the program deploys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { alarmTableMarkdown } from "../../components/observability/alarms";
import { SECURITY_BLOCKS } from "../../policy/readme";
import { REPO_ROOT } from "./harness";
import { TIER_NAMES } from "../tiers";
import { BEFORE_LEVERS_USD, BUDGET_EXCEPTIONS, FLOOR_USD, LEVER_SAVINGS } from "./budget";
import { LEVERS } from "./levers";
import { planStack } from "./cli";
import { compareRow, formatCompare } from "./report";
import { sizingTableMarkdown } from "./sizing-table";

/** Every generated block of the README, by name. */
export const GENERATED_BLOCKS: Record<string, () => string | Promise<string>> = {
  sizing: sizingTableMarkdown,
  cost: costMarkdown,
  alarms: () => alarmTableMarkdown(),
  ...SECURITY_BLOCKS,
};

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
