/**
 * `npm run plan -- --stack <name> [options]`
 *
 * Renders the real program offline (mocks, no AWS account) and prints what the stack deploys, what
 * it costs and whether it has the capacity for its tier. stdout carries only the report (with
 * `--format json|sarif`, exactly one JSON document); progress and errors go to stderr, one line each.
 * Exit codes: 0 ok, 1 bad stack or config (the validation message) or unwritable output, 2 bad
 * command line (one line naming the option), 3 a `--fail-on` reason met.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs as nodeParseArgs } from "node:util";
import { compareDocument, diffRows, formatDiff, rowsOfDocument } from "./compare";
import { renderSvg, toDot } from "./diagram";
import { FAIL_ON_REASONS, type FailOnReason, gateFailures, isFailOnReason } from "./gate";
import { type RenderedGraph, type RenderOptions, REPO_ROOT, renderStack } from "./harness";
import { buildPlan, type CompareRow, compareRow, formatCompare, formatPlan, PLAN_SCHEMA_VERSION, type Plan } from "./report";
import { staleBuildWarning } from "./freshness";
import { toSarif } from "./sarif";
import { TIER_NAMES, type Tier } from "../../sizing";

const FORMATS = ["table", "markdown", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

/**
 * Pulumi's own rule for a stack name: letters, digits, `-`, `_` and `.`
 * (pulumi/pulumi sdk/go/common/tokens: "a stack name may only contain alphanumeric, hyphens,
 * underscores, or periods"); the plan reads `Pulumi.<name>.yaml`, so nothing else (no paths) is a stack.
 */
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export const USAGE = `Usage: npm run plan -- --stack <name> [options]

Renders a stack offline (Pulumi mocks, no AWS account) and prints its resources, sizing, monthly
cost, capacity and policy findings.

Options:
  -s, --stack <name>        stack to plan (reads Pulumi.<name>.yaml); repeat for several       (required)
      --tier <tier>         plan at this tier instead of the stack file's: ${TIER_NAMES.join(", ")}
      --format <fmt>        table (default), markdown, json (one document on stdout), or sarif
      --out <dir>           also write plan.json, plan.md, architecture.svg (compare.json/.md with --compare)
      --sarif <file>        also write the policy findings as SARIF 2.1.0 to <file>
      --compare             every tier of each stack side by side (cost, $/DAU, budget, headroom)
      --compare-to <file>   compare with a base plan (a --format json document of the base branch):
                            cost, $/DAU, budget, headroom and policy before → after, changed cost lines
      --fail-on <reasons>   exit 3 when a planned stack meets any of (comma-separated):
${Object.entries(FAIL_ON_REASONS)
  .map(([k, v]) => `                              ${k.padEnd(10)} ${v}`)
  .join("\n")}
  -h, --help                this text
  -v, --version             the plan's version and JSON schema version

Examples:
  npm run plan -- --stack prod
  npm run plan -- --stack prod --tier 100k --format markdown
  npm run -s plan -- --stack prod --format json > plan.json
  npm run plan -- --stack prod --out plan-output
  npm run plan -- --stack dev --stack prod --sarif findings.sarif
  npm run plan -- --stack prod --compare
  npm run -s plan -- --stack dev --stack prod --compare --format json > base.json     # on the base branch
  npm run -s plan -- --stack dev --stack prod --compare --compare-to base.json --format markdown
  npm run plan -- --stack prod --fail-on budget,capacity,mandatory

Exit codes: 0 ok; 1 bad stack, config or output path; 2 bad command line; 3 a --fail-on reason met.
`;

export interface CliArgs {
  stacks: string[];
  tier?: string;
  format: Format;
  out?: string;
  sarif?: string;
  compare: boolean;
  compareTo?: string;
  failOn: FailOnReason[];
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

/** A problem with a file the user named (unwritable --out, unreadable --compare-to): one line, exit 1. */
export class OutputError extends Error {
  override name = "OutputError";
}

/** Parses the command line with node's util.parseArgs (strict: unknown options and missing values are errors). */
export function parseArgs(argv: string[]): CliArgs {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = nodeParseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string", short: "s", multiple: true },
        tier: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        sarif: { type: "string" },
        compare: { type: "boolean" },
        "compare-to": { type: "string" },
        "fail-on": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    }));
  } catch (e) {
    // util.parseArgs messages name the option ("Unknown option '--verbose'", "Option '--stack <value>' argument missing").
    throw new UsageError((e as Error).message.split("\n").slice(0, 2).join(" "));
  }
  const str = (name: string): string | undefined => {
    const v = values[name] as string | undefined;
    if (v !== undefined && v.trim() === "") throw new UsageError(`--${name} needs a non-empty value`);
    return v;
  };
  for (const name of ["tier", "format", "out", "sarif", "compare-to", "fail-on"]) str(name);
  const stacks = (values.stack as string[] | undefined) ?? [];
  for (const s of stacks) {
    if (s.trim() === "") throw new UsageError("--stack needs a non-empty value");
    if (!STACK_NAME.test(s)) throw new UsageError(`--stack ${JSON.stringify(s)} is not a stack name (letters, digits, '-', '_' and '.' only)`);
  }
  const format = (values.format as string | undefined) ?? "table";
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(format)}`);
  const tier = values.tier as string | undefined;
  if (tier !== undefined && !(TIER_NAMES as readonly string[]).includes(tier)) {
    throw new UsageError(`--tier must be one of ${TIER_NAMES.join(", ")}, not ${JSON.stringify(tier)}`);
  }
  const failOn: FailOnReason[] = [];
  const failOnRaw = values["fail-on"] as string | undefined;
  if (failOnRaw !== undefined) {
    for (const r of failOnRaw.split(",").map((x) => x.trim())) {
      if (!isFailOnReason(r)) throw new UsageError(`--fail-on ${JSON.stringify(r)} is not a reason; reasons: ${Object.keys(FAIL_ON_REASONS).join(", ")}`);
      if (!failOn.includes(r)) failOn.push(r);
    }
  }
  const args: CliArgs = {
    stacks,
    tier,
    format: format as Format,
    out: values.out as string | undefined,
    sarif: values.sarif as string | undefined,
    compare: values.compare === true,
    compareTo: values["compare-to"] as string | undefined,
    failOn,
    help: values.help === true,
    version: values.version === true,
  };
  if (args.help || args.version) return args;
  if (stacks.length === 0) throw new UsageError("--stack is required");
  if (args.compare && args.tier) throw new UsageError("--compare plans every tier: drop --tier");
  const single = !args.compare && !args.compareTo;
  if (stacks.length > 1 && single && (args.format === "json" || args.out)) {
    throw new UsageError("several --stack values with --format json or --out need --compare or --compare-to (one JSON document per run)");
  }
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

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * `mkdir -p` one level at a time. Node's `fs.mkdirSync(dir, { recursive: true })` never returns for a
 * path under /proc (ENOENT from a pseudo file system it keeps retrying; measured on Node 20): the plain
 * mkdir fails with one error instead.
 */
export function mkdirp(dir: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) {
    missing.unshift(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing) fs.mkdirSync(m);
  if (!fs.statSync(path.resolve(dir)).isDirectory()) throw new Error(`${dir} is not a directory`);
}

/** Creates the directory (or the file's directory) before any rendering, so a bad path fails in a second. */
function ensureWritable(target: string, option: string, isDir: boolean): void {
  try {
    const dir = isDir ? target : path.dirname(path.resolve(target));
    mkdirp(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    if (!isDir && fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new Error(`${target} is a directory`);
  } catch (e) {
    throw new OutputError(`cannot write ${option} ${target}: ${(e as Error).message}`);
  }
}

function write(file: string, text: string, option: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new OutputError(`cannot write ${option} ${file}: ${(e as Error).message}`);
  }
}

function readBase(file: string): CompareRow[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new OutputError(`cannot read --compare-to ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OutputError(`--compare-to ${file} is not JSON: ${(e as Error).message}`);
  }
  try {
    return rowsOfDocument(doc, `--compare-to ${file}`);
  } catch (e) {
    throw new OutputError((e as Error).message);
  }
}

/** Where `main` writes, and how it plans a stack (tests substitute these). */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  plan: (stack: string, tier?: string) => Promise<Plan>;
}

const PROCESS_IO: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), plan: planStack };

/** The command: returns the exit code; throws UsageError, OutputError, ConfigError, StackFileError. */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const { stdout, stderr, plan } = { ...PROCESS_IO, ...io };
  const args = parseArgs(argv);
  if (args.help) {
    stdout(USAGE);
    return 0;
  }
  if (args.version) {
    stdout(`inference-platform plan ${packageVersion()} (JSON schemaVersion ${PLAN_SCHEMA_VERSION})\n`);
    return 0;
  }
  const stale = staleBuildWarning(REPO_ROOT, __filename);
  if (stale) stderr(`${stale}\n`);
  // Fail on unusable paths before the seconds of rendering.
  if (args.out) ensureWritable(args.out, "--out", true);
  if (args.sarif) ensureWritable(args.sarif, "--sarif", false);
  const base = args.compareTo ? readBase(args.compareTo) : undefined;

  const plans: Plan[] = [];
  for (const stack of args.stacks) {
    for (const tier of args.compare ? TIER_NAMES : [args.tier]) {
      stderr(`rendering ${stack}${tier ? ` at ${tier}` : ""}...\n`);
      plans.push(await plan(stack, tier));
    }
  }
  const markdown = args.format === "markdown";
  const sarifText = () => `${JSON.stringify(toSarif(plans, packageVersion()), null, 2)}\n`;

  if (args.format === "sarif") stdout(sarifText());
  else if (base) {
    const diff = diffRows(base, plans.map(compareRow));
    stdout(args.format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff, markdown));
  } else if (args.compare) {
    const rows = plans.map(compareRow);
    if (args.format === "json") stdout(`${JSON.stringify(compareDocument(rows), null, 2)}\n`);
    else for (const stack of args.stacks) stdout(formatCompare(stack, rows.filter((r) => r.stack === stack), markdown));
  } else if (args.format === "json") stdout(`${JSON.stringify(plans[0], null, 2)}\n`);
  else stdout(plans.map((p) => formatPlan(p, markdown)).join("\n"));

  if (args.out) {
    if (args.compare) writeCompare(args.out, plans.map(compareRow), args.stacks);
    else await writeOut(args.out, plans[0]);
    stderr(`wrote ${args.out}/${args.compare ? "compare.json, compare.md" : "plan.json, plan.md, architecture.svg"}\n`);
  }
  if (args.sarif) {
    write(args.sarif, sarifText(), "--sarif");
    stderr(`wrote ${args.sarif}\n`);
  }

  const failures = gateFailures(plans, args.failOn);
  for (const f of failures) stderr(`${f}\n`);
  return failures.length > 0 ? 3 : 0;
}

function writeCompare(dir: string, rows: CompareRow[], stacks: string[]): void {
  write(path.join(dir, "compare.json"), `${JSON.stringify(compareDocument(rows), null, 2)}\n`, "--out");
  write(path.join(dir, "compare.md"), stacks.map((s) => formatCompare(s, rows.filter((r) => r.stack === s), true)).join("\n"), "--out");
}

async function writeOut(dir: string, plan: Plan): Promise<void> {
  write(path.join(dir, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`, "--out");
  write(path.join(dir, "plan.md"), formatPlan(plan, true), "--out");
  const title = `${plan.project} / ${plan.stack} (${plan.environment}, ${plan.tier})`;
  const svg = await renderSvg(toDot({ resources: plan.resources }, title));
  write(path.join(dir, "architecture.svg"), svg, "--out");
}

/** What the user reads for an error: one line (the usage text after a command-line error). */
export function errorText(e: Error): { text: string; code: number } {
  if (e instanceof UsageError) return { text: `error: ${e.message} (npm run plan -- --help lists the options)\n`, code: 2 };
  // Errors meant for the user print their message only; ConfigError is matched along the prototype
  // chain by name, so a subclass (or a pulumi.RunError-based one) still reads as one.
  const names: string[] = [];
  for (let p: object | null = e; p && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) names.push((p as { constructor?: { name?: string } }).constructor?.name ?? "");
  const userFacing = ["ConfigError", "StackFileError", "BaseDocumentError", "OutputError", "RunError"];
  if (userFacing.includes(e.name) || names.some((n) => userFacing.includes(n))) return { text: `${e.message}\n`, code: 1 };
  return { text: `plan failed: ${e.stack ?? e.message}\n`, code: 1 };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (e: Error) => {
      const { text, code } = errorText(e);
      process.stderr.write(text, () => process.exit(code));
    },
  );
}
