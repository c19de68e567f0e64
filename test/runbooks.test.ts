/**
 * The runbooks exist, cover what the operations issue lists, and every README link into them lands
 * on a real heading.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/plan/harness";

const runbooks = fs.readFileSync(path.join(REPO_ROOT, "docs", "runbooks.md"), "utf8");
const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const anchors = new Set(
  [...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")),
);

describe("docs/runbooks.md", () => {
  it.each([
    ["first-deploy", ["pulumi login", "pulumi stack init", "aws s3 sync", "docker push"]],
    ["switching-tier", ["pulumi config set tier"]],
    ["rollback", ["pulumi stack history", "circuit breaker"]],
    ["rotating-secrets", ["aws secretsmanager rotate-secret", "--replace", "--auth-token-update-strategy"]],
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
