/**
 * `npm run plan` as a user runs it: the JSON document's schema (child processes), the strict command
 * line (issue 13: no non-stack names, no empty or unknown values, one-line errors), --help and
 * --version, and the refusal of stack files that import Pulumi ESC environments.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import { errorText, main, OutputError, parseArgs, UsageError } from "../../src/plan/cli";
import { staleBuildWarning } from "../../src/plan/freshness";
import { FAIL_ON_REASONS } from "../../src/plan/gate";
import { readStackConfig, StackFileError } from "../../src/plan/harness";
import { PLAN_SCHEMA_VERSION } from "../../src/plan/report";

const run = promisify(execFile);
const ROOT = path.join(__dirname, "..", "..");
/** What `npm run plan` runs: the compiled CLI (built by `npm ci`'s prepare script). */
const CLI = path.join(ROOT, "build", "src", "plan", "cli.js");

beforeAll(async () => {
  // A stale or missing build (sources edited since) is rebuilt once, so the tests run the current code.
  if (!fs.existsSync(CLI) || staleBuildWarning(ROOT, CLI)) await run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT });
});

async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("plan --format json", () => {
  let doc: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let stderr = "";
  beforeAll(async () => {
    const out = await plan("--stack", "prod", "--tier", "10k", "--format", "json");
    expect(out.code, out.stderr).toBe(0);
    stderr = out.stderr;
    doc = JSON.parse(out.stdout); // throws if anything else is on stdout
  });

  it("has the documented top-level fields, starting with the schema version", () => {
    expect(Object.keys(doc).slice(0, 2)).toEqual(["schemaVersion", "kind"]);
    expect(doc).toMatchObject({ schemaVersion: PLAN_SCHEMA_VERSION, kind: "plan", stack: "prod", environment: "prod", tier: "10k", region: "us-east-1" });
    expect(Array.isArray(doc.warnings)).toBe(true);
    expect(doc.sizing.gateway.maxTasks).toBeGreaterThan(0);
    expect(stderr).toMatch(/rendering prod/);
  });

  it("lists every resource with urn, type, name, parent and inputs", () => {
    expect(doc.resources.length).toBeGreaterThan(50);
    for (const r of doc.resources) {
      expect(typeof r.urn).toBe("string");
      expect(r.urn).toMatch(/^urn:pulumi:prod::/);
      expect(typeof r.type).toBe("string");
      expect(typeof r.name).toBe("string");
      expect(typeof r.parent).toBe("string");
      expect(typeof r.inputs).toBe("object");
    }
  });

  it("has the cost with typed lines and the capacity check", () => {
    const { cost, capacity } = doc;
    expect(cost).toMatchObject({ priceDate: "2026-11", budgetUsd: 800 });
    expect(cost.monthlyUsd).toBeGreaterThan(0);
    expect(cost.unpriced).toEqual([]);
    expect(cost.lines.length).toBeGreaterThan(10);
    for (const l of cost.lines) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(["component", "item", "quantity", "unit", "unitUsd", "monthlyUsd"]));
      expect(l.monthlyUsd).toBeCloseTo(l.quantity * l.unitUsd, 0);
    }
    const sum = cost.lines.reduce((s: number, l: { monthlyUsd: number }) => s + l.monthlyUsd, 0);
    expect(cost.monthlyUsd).toBeCloseTo(sum, 0);
    for (const k of ["peakApiRps", "maxApiRps", "peakInferencePerSec", "maxInferencePerSec"]) expect(typeof capacity[k]).toBe("number");
  });
});

describe("plan errors", () => {
  it("names the stack files when the stack does not exist", async () => {
    const out = await plan("--stack", "nope");
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/No stack file Pulumi\.nope\.yaml; shipped stacks: dev, prod/);
  });

  it("exits 3 with one line per reason when --fail-on is met (prod has advisory findings)", async () => {
    const out = await plan("--stack", "prod", "--fail-on", "advisory", "--format", "json");
    expect(out.code).toBe(3);
    expect(JSON.parse(out.stdout).kind).toBe("plan");
    expect(out.stderr.split("\n").filter((l) => l.startsWith("fail-on "))).toEqual([expect.stringMatching(/^fail-on advisory: prod at 10k has \d+ advisory policy violations \(/)]);
  });

  it("reports an unwritable --out path in one line, before rendering (Node's recursive mkdir never returns under /proc)", async () => {
    const out = await plan("--stack", "prod", "--out", "/proc/plan-output");
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/^cannot write --out \/proc\/plan-output: ENOENT[^\n]*\n$/);
  });
});

describe("parseArgs (util.parseArgs, strict)", () => {
  it("parses exactly the documented options", () => {
    expect(parseArgs(["--stack", "prod", "--tier=1k", "--format", "markdown", "--out", "x", "--sarif", "f.sarif", "--fail-on", "budget,capacity"])).toEqual({
      stacks: ["prod"],
      tier: "1k",
      format: "markdown",
      out: "x",
      sarif: "f.sarif",
      compare: false,
      compareTo: undefined,
      failOn: ["budget", "capacity"],
      help: false,
      version: false,
    });
    expect(parseArgs(["-s", "dev", "-s", "prod", "--compare", "--compare-to", "base.json"])).toMatchObject({ stacks: ["dev", "prod"], compare: true, compareTo: "base.json" });
    expect(parseArgs(["--help"]).help).toBe(true);
    expect(parseArgs(["-v"]).version).toBe(true);
  });

  it.each([
    [["--stack", "prod", "--verbose"], /Unknown option '--verbose'/],
    [["--stack", "prod", "extra"], /Unexpected argument 'extra'/],
    [["--stack"], /argument missing/],
    [["--stack", "--tier", "1k"], /'--stack' argument is ambiguous/],
    [["--tier", "1k"], /--stack is required/],
    [["--stack="], /--stack needs a non-empty value/],
    [["--stack", " "], /--stack needs a non-empty value/],
    [["--stack", "prod", "--out="], /--out needs a non-empty value/],
    [["--stack", "prod", "--compare-to", ""], /--compare-to needs a non-empty value/],
    [["--stack", "../prod"], /--stack "..\/prod" is not a stack name/],
    [["--stack", "org/project/prod"], /is not a stack name/],
    [["--stack", "prod;rm -rf"], /is not a stack name/],
    [["--stack", "pröd"], /is not a stack name/],
    [["--stack", "prod", "--format", "yaml"], /--format must be one of table, markdown, json, sarif, not "yaml"/],
    [["--stack", "prod", "--tier", "5k"], /--tier must be one of 1k, 10k, 100k, not "5k"/],
    [["--stack", "prod", "--fail-on", "budget,cost"], /--fail-on "cost" is not a reason; reasons: budget, capacity, scheduling, mandatory/],
    [["--stack", "prod", "--fail-on", "budget,"], /--fail-on "" is not a reason/],
    [["--stack", "prod", "--compare", "--tier", "1k"], /--compare plans every tier/],
    [["--stack", "dev", "--stack", "prod", "--format", "json"], /need --compare or --compare-to/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it("prints a command-line error as one line (exit 2), a user-facing error as its message (exit 1), no stack trace", () => {
    const usage = errorText(new UsageError("--tier must be one of 1k, 10k, 100k"));
    expect(usage.code).toBe(2);
    expect(usage.text.trimEnd().split("\n")).toHaveLength(1);
    for (const e of [new OutputError("cannot write --out /x: EACCES"), new StackFileError("No stack file Pulumi.x.yaml")]) {
      expect(errorText(e)).toEqual({ text: `${e.message}\n`, code: 1 });
    }
    class ConfigError extends Error {}
    expect(errorText(new ConfigError("Invalid configuration")).text).toBe("Invalid configuration\n");
  });
});

describe("--help and --version", () => {
  it("--help lists every option with an example", async () => {
    let out = "";
    expect(await main(["--help"], { stdout: (s) => (out += s) })).toBe(0);
    for (const option of ["--stack", "--tier", "--format", "--out", "--sarif", "--compare", "--compare-to", "--fail-on", "--help", "--version"]) {
      expect(out, option).toContain(option);
    }
    for (const reason of Object.keys(FAIL_ON_REASONS)) expect(out).toContain(reason);
    const examples = out.slice(out.indexOf("Examples:"));
    for (const option of ["--stack", "--tier", "--format", "--out", "--sarif", "--compare", "--compare-to", "--fail-on"]) expect(examples, option).toContain(option);
  });

  it("--version prints the package version and the JSON schema version", async () => {
    let out = "";
    expect(await main(["--version"], { stdout: (s) => (out += s) })).toBe(0);
    expect(out).toBe(`inference-platform plan 0.1.0 (JSON schemaVersion ${PLAN_SCHEMA_VERSION})\n`);
  });
});

describe("compiled JavaScript", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const tsconfig = fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8");

  it("the user-facing scripts run the compiled build, never ts-node; npm ci builds it (prepare)", () => {
    expect(pkg.scripts.plan).toBe("node build/src/plan/cli.js");
    expect(pkg.scripts.bench).toBe("node build/bench/bench.js");
    expect(pkg.scripts.docs).toBe("node build/src/plan/docs.js");
    expect(Object.values(pkg.scripts).join("\n")).not.toMatch(/ts-node/);
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(pkg.scripts.fingerprint).toBe("node build/src/plan/fingerprint.js");
    // A clean build: a module moved into a folder (src/plan/cost.ts -> src/plan/cost/index.ts) would
    // otherwise leave build/src/plan/cost.js behind, and Node resolves `./cost` to the stale file first.
    expect(pkg.scripts.build).toMatch(/^node -e "require\('fs'\)\.rmSync\('build',\{recursive:true,force:true\}\)" && tsc -p tsconfig\.build\.json$/);
    expect(tsconfig).toMatch(/"outDir": "build"/);
    expect(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("build/");
  });

  it("the compiled CLI finds the project from build/ and answers --version", async () => {
    const out = await plan("--version");
    expect(out).toEqual({ code: 0, stdout: `inference-platform plan 0.1.0 (JSON schemaVersion ${PLAN_SCHEMA_VERSION})\n`, stderr: "" });
  });

  it("the Pulumi program itself stays a TypeScript program for the Pulumi CLI", () => {
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    expect(project).toMatch(/^main: src\/index\.ts$/m);
    expect(project).toMatch(/typescript: true/);
  });
});

describe("stack files importing Pulumi ESC environments", () => {
  it("are refused with one line naming the environment, never rendered without its values", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "esc-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "environment:\n  - platform/staging\nconfig:\n  inference-platform:tier: 1k\n");
    expect(() => readStackConfig("staging", dir)).toThrow(StackFileError);
    expect(() => readStackConfig("staging", dir)).toThrow(/^Pulumi\.staging\.yaml imports Pulumi ESC environment platform\/staging \(environment:\); the offline plan cannot resolve ESC values/);
    fs.writeFileSync(path.join(dir, "Pulumi.single.yaml"), "environment: platform/one\n");
    expect(() => readStackConfig("single", dir)).toThrow(/ESC environment platform\/one/);
  });
});
