/**
 * `npm run plan` as a user runs it: the JSON document's schema (one child process), and the errors
 * for a bad stack name or tier.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../src/plan/cli";

const run = promisify(execFile);
const ROOT = path.join(__dirname, "..", "..");
const TS_NODE = path.join(ROOT, "node_modules", ".bin", "ts-node");

async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TS_NODE, ["--transpile-only", "src/plan/cli.ts", ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
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

  it("has the documented top-level fields", () => {
    expect(doc).toMatchObject({ stack: "prod", environment: "prod", tier: "10k", region: "us-east-1" });
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

  it("refuses a bad tier with the config validation message naming the key", async () => {
    const out = await plan("--stack", "dev", "--tier", "5k", "--format", "json");
    expect(out.code).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/Invalid configuration for stack "dev"/);
    expect(out.stderr).toMatch(/tier = "5k": .*one of 1k, 10k, 100k/);
  });

  it("parses exactly the documented options", () => {
    expect(parseArgs(["--stack", "prod", "--tier=1k", "--format", "markdown", "--out", "x", "--compare"])).toEqual({
      stack: "prod",
      tier: "1k",
      format: "markdown",
      out: "x",
      compare: true,
      help: false,
    });
    expect(() => parseArgs(["--stack", "prod", "--format", "yaml"])).toThrow(/--format must be table, markdown or json/);
    expect(() => parseArgs(["--tier", "1k"])).toThrow(/--stack is required/);
    expect(() => parseArgs(["--stack", "prod", "--verbose"])).toThrow(/unknown option --verbose/);
  });
});
