/**
 * Config combinations the gateway, queues and workers rely on being refused (or warned about)
 * before any resource exists.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parsePlatformConfig } from "../../src/config";
import { renderStack } from "../../src/plan/harness";

const devCtx = { project: "inference-platform", stack: "dev", region: "us-east-1" };
const prodCtx = { ...devCtx, stack: "prod" };
const cidrs = '["203.0.113.0/24"]';
const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-1234567890ab";

function refusal(raw: Record<string, string>, ctx = devCtx): string {
  try {
    parsePlatformConfig(raw, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected the config to be refused");
}

describe("services config validation", () => {
  it("refuses prod without a certificate or a domain, naming the key and the fix", () => {
    const msg = refusal({ tier: "10k", eksPublicAccessCidrs: cidrs }, prodCtx);
    expect(msg).toMatch(/certificateArn = \(unset\): prod serves HTTPS only: set certificateArn .* or domain/);
  });

  it("accepts prod with either a certificate or a domain", () => {
    expect(parsePlatformConfig({ tier: "10k", eksPublicAccessCidrs: cidrs, certificateArn }, prodCtx).certificateArn).toBe(certificateArn);
    expect(parsePlatformConfig({ tier: "10k", eksPublicAccessCidrs: cidrs, domain: "api.example.com", hostedZoneId: "Z1" }, prodCtx).domain).toBe(
      "api.example.com",
    );
  });

  it.each([
    ["equal", 3600],
    ["shorter", 1800],
  ])("refuses a visibility timeout %s to the task timeout", (_, visibility) => {
    const overrides = JSON.stringify({ workers: { priorities: { sprint: { taskTimeoutSeconds: 3600, visibilityTimeoutSeconds: visibility } } } });
    const msg = refusal({ tier: "1k", overrides });
    expect(msg).toContain(`overrides.workers.priorities.sprint.visibilityTimeoutSeconds = ${visibility}: must exceed taskTimeoutSeconds (3600)`);
  });

  it("refuses a visibility timeout beyond SQS's 12 hours", () => {
    const overrides = JSON.stringify({ workers: { priorities: { free: { visibilityTimeoutSeconds: 50_000 } } } });
    expect(refusal({ tier: "1k", overrides })).toMatch(/overrides\.workers\.priorities\.free\.visibilityTimeoutSeconds = 50000: .*43200/);
  });

  it("refuses a gateway that may scale to zero tasks", () => {
    const msg = refusal({ tier: "1k", overrides: JSON.stringify({ gateway: { minTasks: 0 } }) });
    expect(msg).toContain("overrides.gateway.minTasks = 0: at least 1");
  });

  it("refuses worker bounds with min above max", () => {
    const overrides = JSON.stringify({ workers: { priorities: { paid: { minTasks: 3, maxTasks: 2 } } } });
    expect(refusal({ tier: "1k", overrides })).toContain("overrides.workers.priorities.paid.minTasks/maxTasks");
  });

  it("refuses a DLQ retention beyond 14 days and a maxReceiveCount outside 1–10", () => {
    expect(refusal({ tier: "1k", overrides: JSON.stringify({ workers: { dlqRetentionDays: 15 } }) })).toMatch(
      /overrides\.workers\.dlqRetentionDays = 15: .*SQS keeps messages at most 14 days/,
    );
    expect(refusal({ tier: "1k", overrides: JSON.stringify({ workers: { priorities: { free: { maxReceiveCount: 0 } } } }) })).toContain(
      "overrides.workers.priorities.free.maxReceiveCount = 0",
    );
  });

  it("refuses a certificate from another region and a hosted zone without a domain", () => {
    const otherRegion = certificateArn.replace("us-east-1", "eu-west-1");
    expect(refusal({ tier: "1k", certificateArn: otherRegion })).toContain("an ALB needs a certificate in its own region (us-east-1)");
    expect(refusal({ tier: "1k", hostedZoneId: "Z1" })).toContain("hostedZoneId = \"Z1\": only used with domain");
  });

  it("warns when a domain has no hosted zone (manual DNS validation), not when it has one", () => {
    expect(parsePlatformConfig({ tier: "1k", domain: "api.dev.example.com" }, devCtx).warnings.join("\n")).toMatch(
      /no hostedZoneId: add the certificate's DNS validation records/,
    );
    expect(parsePlatformConfig({ tier: "1k", domain: "api.dev.example.com", hostedZoneId: "Z1" }, devCtx).warnings.join("\n")).not.toMatch(
      /hostedZoneId/,
    );
  });

  it("fails a render before any resource when prod has no TLS", async () => {
    await expect(
      renderStack({ stack: "prod", config: { domain: "", hostedZoneId: "" } }).catch((e: Error) => {
        throw new Error(e.message);
      }),
    ).rejects.toThrow(/certificateArn|domain/);
  });
});
