/**
 * `npm run plan -- --stack <name> [--tier 1k|10k|100k] [--format table|markdown|json] [--out <dir>] [--compare]`
 *
 * Renders the real program offline (mocks, no AWS account) and prints what the stack deploys, what
 * it costs and whether it has the capacity for its tier. stdout carries only the report (with
 * `--format json`, exactly one JSON document); progress and errors go to stderr. A bad stack name or
 * config prints the validation message and exits 1.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderSvg, toDot } from "./diagram";
import { type RenderedGraph, type RenderOptions, renderStack } from "./harness";
import { buildPlan, compareRow, formatCompare, formatPlan, type Plan } from "./report";
import { TIER_NAMES, type Tier } from "../tiers";

const USAGE = `Usage: npm run plan -- --stack <name> [--tier 1k|10k|100k] [--format table|markdown|json] [--out <dir>] [--compare]

  --stack <name>    stack to plan (reads Pulumi.<name>.yaml)            (required)
  --tier <tier>     plan at this tier instead of the stack file's       (${TIER_NAMES.join(", ")})
  --format <fmt>    table (default), markdown, or json (one document on stdout)
  --out <dir>       also write plan.json, plan.md and architecture.svg into <dir>
  --compare         all three tiers of the stack side by side (cost, $/DAU, budget, capacity)
  --help            this text
`;

export interface CliArgs {
  stack?: string;
  tier?: string;
  format: "table" | "markdown" | "json";
  out?: string;
  compare: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { format: "table", compare: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--stack":
        args.stack = value();
        break;
      case "--tier":
        args.tier = value();
        break;
      case "--format": {
        const f = value();
        if (f !== "table" && f !== "markdown" && f !== "json") throw new UsageError(`--format must be table, markdown or json, not "${f}"`);
        args.format = f;
        break;
      }
      case "--out":
        args.out = value();
        break;
      case "--compare":
        args.compare = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  if (!args.help && !args.stack) throw new UsageError("--stack is required");
  return args;
}

/**
 * Renders one stack for the command line:
 * console output diverted to stderr: stdout belongs to the report (the Pulumi SDK logs warnings
 * through console.* in some paths).
 */
export async function renderForCli(options: RenderOptions): Promise<RenderedGraph> {
  const saved = { log: console.log, info: console.info, warn: console.warn };
  console.log = console.info = console.warn = (...a: unknown[]) => console.error(...a);
  try {
    return await renderStack(options);
  } finally {
    Object.assign(console, saved);
  }
}

export async function planStack(stack: string, tier?: string): Promise<Plan> {
  const graph = await renderForCli({ stack, tier: tier as Tier | undefined });
  return buildPlan(graph);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stack = args.stack!;
  const markdown = args.format === "markdown";

  if (args.compare) {
    const plans: Plan[] = [];
    for (const tier of TIER_NAMES) {
      process.stderr.write(`rendering ${stack} at ${tier}...\n`);
      plans.push(await planStack(stack, tier));
    }
    const rows = plans.map(compareRow);
    const text = args.format === "json" ? `${JSON.stringify({ stack, tiers: rows }, null, 2)}\n` : formatCompare(stack, rows, markdown);
    process.stdout.write(text);
    if (args.out) writeCompare(args.out, stack, rows);
    return 0;
  }

  process.stderr.write(`rendering ${stack}${args.tier ? ` at ${args.tier}` : ""}...\n`);
  const plan = await planStack(stack, args.tier);
  const text = args.format === "json" ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, markdown);
  process.stdout.write(text);
  if (args.out) await writeOut(args.out, plan);
  return 0;
}

function writeCompare(dir: string, stack: string, rows: ReturnType<typeof compareRow>[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "compare.json"), `${JSON.stringify({ stack, tiers: rows }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "compare.md"), formatCompare(stack, rows, true));
  process.stderr.write(`wrote ${dir}/compare.json, compare.md\n`);
}

async function writeOut(dir: string, plan: Plan): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "plan.md"), formatPlan(plan, true));
  const title = `${plan.project} / ${plan.stack} (${plan.environment}, ${plan.tier})`;
  const svg = await renderSvg(toDot({ resources: plan.resources }, title));
  fs.writeFileSync(path.join(dir, "architecture.svg"), svg);
  process.stderr.write(`wrote ${dir}/plan.json, plan.md, architecture.svg\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (e: Error) => {
      if (e instanceof UsageError) process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
      else if (e.name === "ConfigError" || /^No stack file/.test(e.message)) process.stderr.write(`${e.message}\n`);
      else process.stderr.write(`plan failed: ${e.stack ?? e.message}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
