/**
 * Refusals as a `pulumi up` user reads them. The Pulumi CLI's nodejs language host prints an uncaught
 * program error through its own branch (node_modules/@pulumi/pulumi/cmd/run/run.js): a RunError's
 * message without a stack, anything else through `defaultErrorMessage` = util.inspect. These tests
 * run the refusal through that path (test/support/cli-format.ts calls the SDK's functions) and assert
 * the exact printed text; and every problem of a config is listed at once.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "../src/config";
import { renderStack } from "../src/plan/harness";
import { cliPrints, RUN_JS } from "./support/cli-format";

const ctx = { project: "inference-platform", stack: "dev", region: "us-east-1" };
const refusal = (raw: Record<string, string>, c = ctx): unknown => {
  try {
    parsePlatformConfig(raw, c);
  } catch (e) {
    return e;
  }
  throw new Error("expected a refusal");
};

describe("the CLI's formatting path", () => {
  it("run.js still prints a RunError's message without the stack (the branch cliPrints follows)", () => {
    const src = fs.readFileSync(RUN_JS, "utf8");
    expect(src).toMatch(/if \(errors_1\.RunError\.isInstance\(err\)\) \{\s*\/\/ Always hide the stack for RunErrors\.\s*log\.error\(err\.message\);/);
    expect(src).toContain("failed with an unhandled exception:\n${error_1.defaultErrorMessage(err)}");
  });

  it("a plain Error with a shadowed stack prints as util.inspect (the defect this guards against)", () => {
    class Shadowing extends Error {
      constructor(public readonly stack: string) {
        super("Invalid configuration");
      }
    }
    const printed = cliPrints(new Shadowing("prod"));
    expect(printed).not.toContain("Invalid configuration");
  });

  it("a refusal prints as its message, exactly, with no stack frames or object dump", () => {
    expect(cliPrints(refusal({ tier: "2k" }))).toBe(
      'Invalid configuration for stack "dev" (1 problem):\n  - tier = "2k": expected one of 1k, 10k, 100k',
    );
  });

  it("a refusal from the rendered program prints the same way", async () => {
    const e = await renderStack({ stack: "prod", config: { imageTag: "latest" } }).then(
      () => undefined,
      (x: unknown) => x,
    );
    const printed = cliPrints(e);
    expect(printed.split("\n")[0]).toBe('Invalid configuration for stack "prod" (1 problem):');
    expect(printed).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
    expect(printed).not.toContain("problems: [");
  });
});

describe("every problem is listed at once", () => {
  it("a bad top-level key does not hide the overrides' problems", () => {
    const printed = cliPrints(refusal({ tier: "1k", teir: "10k", overrides: JSON.stringify({ gateway: { maxTasks: "ten" } }) }));
    expect(printed.split("\n")[0]).toBe('Invalid configuration for stack "dev" (2 problems):');
    expect(printed).toContain('  - teir = "10k": unknown key');
    expect(printed).toContain('  - overrides.gateway.maxTasks = "ten": expected number, received string');
  });

  it("an invalid tier still lets the overrides be checked", () => {
    const printed = cliPrints(refusal({ tier: "2k", overrides: JSON.stringify({ gpu: { diskGiB: 20 } }) }));
    expect(printed).toContain('  - tier = "2k": expected one of 1k, 10k, 100k');
    expect(printed).toContain("  - overrides.gpu.diskGiB = 20: expected the Triton image alone is ~10 GB; at least 50 GiB");
  });

  it("a reserved key in overrides does not hide the other keys' problems", () => {
    const printed = cliPrints(refusal({ tier: "1k", imageTag: "latest", overrides: '{"__proto__":{"x":1}}' }));
    expect(printed.split("\n")[0]).toBe('Invalid configuration for stack "dev" (2 problems):');
    expect(printed).toContain('  - overrides.__proto__ = {"x":1}: unknown key (reserved JavaScript property name)');
    expect(printed).toContain('  - imageTag = "latest": expected a pinned tag, not latest');
  });

  it("a bad acknowledgement does not hide a prod weakening", () => {
    const printed = cliPrints(
      refusal(
        { tier: "10k", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-1234567890ab", eksPublicAccessCidrs: '["203.0.113.0/24"]', acknowledge: '["yolo"]', overrides: JSON.stringify({ safety: { waf: false } }) },
        { ...ctx, stack: "prod" },
      ),
    );
    expect(printed).toContain('  - acknowledge.0 = "yolo"');
    expect(printed).toContain('  - overrides.safety.waf = false: weakens prod safety; add "prod-without-waf" to the acknowledge list if this is intended');
  });
});
