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
import { sizingTableMarkdown } from "./sizing-table";

/** Every generated block of the README, by name. */
export const GENERATED_BLOCKS: Record<string, () => string> = {
  sizing: sizingTableMarkdown,
  alarms: () => alarmTableMarkdown(),
  ...SECURITY_BLOCKS,
};

const README = path.join(REPO_ROOT, "README.md");

/** Regex matching one generated block with its markers. */
export function blockPattern(name: string): RegExp {
  return new RegExp(`(<!-- generated:${name} -->\\n)([\\s\\S]*?)(\\n<!-- /generated:${name} -->)`);
}

/** The README with every generated block replaced by its current content. Throws on a missing marker. */
export function regenerate(readme: string): string {
  let out = readme;
  for (const [name, generate] of Object.entries(GENERATED_BLOCKS)) {
    const pattern = blockPattern(name);
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> block`);
    out = out.replace(pattern, (_m, open: string, _old: string, close: string) => `${open}${generate()}${close}`);
  }
  return out;
}

if (require.main === module) {
  const before = fs.readFileSync(README, "utf8");
  const after = regenerate(before);
  fs.writeFileSync(README, after);
  process.stderr.write(before === after ? "README.md is up to date\n" : "README.md regenerated\n");
}
