/**
 * The runbooks exist, cover what the operations issue lists, and every README link into them lands
 * on a real heading.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../sizing";
import { REPO_ROOT } from "../src/plan/harness";
import { named, ofType, type RenderedGraph, rendered, renderStack } from "./support/graph";

const runbooks = fs.readFileSync(path.join(REPO_ROOT, "docs", "runbooks.md"), "utf8");
const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const anchors = new Set(
  [...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")),
);

describe("docs/runbooks.md", () => {
  it.each([
    ["first-deploy", ["pulumi login", "pulumi stack init", "aws s3 sync", "docker push", "awaitImages", "CREATE USER app;", "GRANT rds_iam TO app;"]],
    ["switching-tier", ["pulumi config set tier", "applyImmediately: true", "second `pulumi up` after a switch shows no changes"]],
    ["rollback", ["pulumi stack history", "circuit breaker"]],
    ["rotating-secrets", ["RandomPassword::database-master-password", "--replace", "--auth-token-update-strategy", "rds-db:connect"]],
    ["restoring-the-database-to-a-point-in-time", ["aws rds restore-db-instance-to-point-in-time", "RTO 4 h", "RPO 1 h"]],
    ["draining-a-queue-and-redriving-a-dlq", ["aws sqs start-message-move-task"]],
    ["adding-a-stack", ["cp Pulumi.dev.yaml"]],
  ])("has a %s section with its commands", (anchor, needles) => {
    expect(anchors).toContain(anchor);
    const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
    const section = runbooks.split(/^## /m).find((s) => slug(s.split("\n")[0]) === anchor)!;
    for (const n of needles) expect(section, n).toContain(n);
  });

  it("is linked from the README at existing headings", () => {
    const links = [...readme.matchAll(/docs\/runbooks\.md#([a-z0-9-]+)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(7);
    for (const l of links) expect(anchors).toContain(l);
  });
});

/** The `## <title>` section of the runbooks whose slug is `anchor`. */
function section(anchor: string): string {
  const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
  return runbooks.split(/^## /m).find((s) => slug(s.split("\n")[0]) === anchor) ?? "";
}

/** Task counts a rendered stack would run: each ECS service's scalable-target bounds and desired count. */
function serviceCounts(g: RenderedGraph): Record<string, unknown> {
  const targets = ofType(g, "aws:appautoscaling/target:Target").filter((t) => t.inputs.scalableDimension === "ecs:service:DesiredCount");
  const services = ofType(g, "aws:ecs/service:Service");
  return {
    targets: Object.fromEntries(targets.map((t) => [t.name, [t.inputs.minCapacity, t.inputs.maxCapacity]])),
    desired: Object.fromEntries(services.map((s) => [s.name, s.inputs.desiredCount])),
  };
}

describe("first deploy reaches running services (issue 12, defect 8)", () => {
  const first = section("first-deploy");
  /** `pulumi config set|rm` commands of the section, in order, without `--stack`/`--path`/`--secret` variants. */
  const configCommands = [...first.matchAll(/pulumi config (set|rm) (?:--stack \S+ )?([A-Za-z]+)(?: (\S+))?/g)].map((m) => ({
    verb: m[1],
    key: m[2],
    value: m[3],
    at: m.index,
  }));

  it("creates the services without tasks until the images exist, then starts them with one config change", async () => {
    const holdIndex = configCommands.find((c) => c.verb === "set" && c.key === "awaitImages" && c.value === "true")?.at ?? -1;
    const releaseIndex = configCommands.find((c) => c.verb === "rm" && c.key === "awaitImages")?.at ?? -1;
    const firstUp = first.indexOf("pulumi up");
    const push = first.indexOf("docker push");
    // Hold before the first `up`, push, then release: the order the runbook must give.
    expect(holdIndex).toBeGreaterThan(-1);
    expect(holdIndex).toBeLessThan(firstUp);
    expect(push).toBeGreaterThan(firstUp);
    expect(releaseIndex).toBeGreaterThan(push);

    const held = await renderStack({ stack: "dev", tier: "1k", config: { awaitImages: "true" } });
    expect(held.config.warnings.join("\n")).toContain("pulumi config rm awaitImages");
    const released = await rendered("dev", "1k");
    const heldCounts = serviceCounts(held);
    // While held, nothing pulls a missing image: every service at 0 tasks, autoscaling pinned to 0.
    for (const [name, [min, max]] of Object.entries(heldCounts.targets as Record<string, [number, number]>)) {
      expect([min, max], name).toEqual([0, 0]);
    }
    for (const [name, desired] of Object.entries(heldCounts.desired as Record<string, number>)) expect(desired, name).toBe(0);
    // Every ECS service is held: the gateway and the workers (one shared service at 1k).
    const ecsServices = held.resources.filter((r) => r.type === "aws:ecs/service:Service");
    expect(ecsServices.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(heldCounts.targets as object).length).toBe(ecsServices.length);
    // Releasing changes the graph: the gateway's minimum returns, so RegisterScalableTarget raises the
    // running count into the new range ("it changes the resource's current capacity to a value that
    // is inside of this range", Application Auto Scaling API reference, RegisterScalableTarget).
    expect(serviceCounts(released)).not.toEqual(heldCounts);
    const gatewayTarget = named(released, "gateway-scaling-target").inputs;
    expect(gatewayTarget.minCapacity).toBe(released.config.sizing.gateway.minTasks);
    expect(gatewayTarget.minCapacity as number).toBeGreaterThan(0);
    // Task definitions are the same either way: the image reference does not depend on the hold.
    expect(named(held, "gateway-api-task").inputs.containerDefinitions).toEqual(named(released, "gateway-api-task").inputs.containerDefinitions);
  });

  it("sets config only to values that change the graph (`imageTag` equal to its default would do nothing)", async () => {
    for (const c of configCommands.filter((x) => x.verb === "set" && x.key === "imageTag")) {
      expect(c.value, `pulumi config set imageTag ${c.value}`).not.toBe(DEFAULTS.imageTag);
    }
    const pushedTag = /docker push "\$[A-Z]+:([A-Za-z0-9_.-]+)"/.exec(first)?.[1];
    expect(pushedTag).toBeDefined();
    const setTag = configCommands.find((x) => x.verb === "set" && x.key === "imageTag");
    // Either the runbook pushes the default tag and sets nothing, or it sets exactly the tag it pushed.
    if (setTag) expect(setTag.value).toBe(pushedTag);
    else expect(pushedTag).toBe(DEFAULTS.imageTag);
  });
});
