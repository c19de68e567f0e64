/**
 * Cluster access for a list of roles (issue 14): `eksClusterAccess` gives each role one EKS access entry
 * and one access-policy association (admin: AmazonEKSClusterAdminPolicy, view: AmazonEKSViewPolicy),
 * named by account and role so reordering replaces nothing; bad entries are refused before any resource.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parsePlatformConfig } from "../../src/config";
import { type Captured, ofType, rendered } from "../support/graph";

const ctx = { project: "inference-platform", stack: "dev", region: "us-east-1" };
const DEPLOY = "arn:aws:iam::123456789012:role/ci/github-deploy";
const PREVIEW = "arn:aws:iam::123456789012:role/ci/github-preview";
const HUMAN = "arn:aws:iam::210987654321:role/platform-oncall";
const access = JSON.stringify([
  { principalArn: DEPLOY, access: "admin" },
  { principalArn: PREVIEW, access: "view" },
  { principalArn: HUMAN, access: "view" },
]);

function refusal(value: unknown): string {
  try {
    parsePlatformConfig({ tier: "1k", eksClusterAccess: JSON.stringify(value) }, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("eksClusterAccess", () => {
  it("renders one access entry and one cluster-scoped policy association per role", async () => {
    const g = await rendered("dev", "1k", { eksClusterAccess: access });
    const entries = ofType(g, "aws:eks/accessEntry:AccessEntry");
    expect(entries.map((e) => [e.name, (e.inputs as Captured).principalArn, (e.inputs as Captured).type])).toEqual([
      ["inference-access-123456789012-github-deploy", DEPLOY, "STANDARD"],
      ["inference-access-123456789012-github-preview", PREVIEW, "STANDARD"],
      ["inference-access-210987654321-platform-oncall", HUMAN, "STANDARD"],
    ]);
    const policies = ofType(g, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((p) => p.inputs as Captured);
    expect(policies.map((p) => [p.principalArn, p.policyArn, p.accessScope])).toEqual([
      [DEPLOY, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
      [PREVIEW, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }],
      [HUMAN, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }],
    ]);
  });

  it("names entries by role, not position: reordering the list keeps every resource name", async () => {
    const reversed = JSON.stringify((JSON.parse(access) as unknown[]).reverse());
    const names = async (a: string) =>
      (await rendered("dev", "1k", { eksClusterAccess: a })).resources.filter((r) => r.type.startsWith("aws:eks/access")).map((r) => r.name).sort();
    expect(await names(reversed)).toEqual(await names(access));
  });

  it("does not repeat eksAdminRoleArn's own entry", () => {
    const c = parsePlatformConfig({ tier: "1k", eksAdminRoleArn: DEPLOY, eksClusterAccess: access }, ctx);
    expect(c.eks.access.map((a) => a.principalArn)).toEqual([PREVIEW, HUMAN]);
  });

  it.each([
    ["a wildcard role", [{ principalArn: "arn:aws:iam::123456789012:role/*", access: "admin" }]],
    ["a wildcard in the path", [{ principalArn: "arn:aws:iam::123456789012:role/ci/git?ub", access: "view" }]],
    ["a user, not a role", [{ principalArn: "arn:aws:iam::123456789012:user/alice", access: "view" }]],
    ["no account", [{ principalArn: "arn:aws:iam:::role/x", access: "view" }]],
    ["an unknown access level", [{ principalArn: DEPLOY, access: "edit" }]],
    ["a bare string", [DEPLOY]],
    ["a role twice", [{ principalArn: DEPLOY, access: "admin" }, { principalArn: DEPLOY, access: "view" }]],
  ])("refuses %s, naming the key", (_what, value) => {
    expect(refusal(value)).toMatch(/eksClusterAccess/);
  });
});
