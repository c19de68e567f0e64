/**
 * The GitHub Actions workflows: valid against the Actions schema (@action-validator/core), and the
 * properties the operations issue asks for: CI runs exactly the README's command, previews and
 * deploys cover every shipped stack, AWS access only through OIDC, least permissions per job, prod
 * behind a reviewed environment, one never-cancelled deploy per stack at a time, actions pinned.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { listStacks, REPO_ROOT } from "../src/plan/harness";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  strategy?: { matrix?: { stack?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const WORKFLOW_DIR = path.join(REPO_ROOT, ".github", "workflows");
const WORKFLOWS = ["ci.yml", "preview.yml", "deploy.yml"] as const;
const read = (file: string) => fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
const load = (file: string) => parseYaml(read(file)) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const usesOf = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

/** Permissions a job may hold, per workflow: anything else is more than the job needs. */
const ALLOWED_PERMISSIONS: Record<(typeof WORKFLOWS)[number], Record<string, string>> = {
  "ci.yml": { contents: "read" },
  "preview.yml": { "id-token": "write", contents: "read", "pull-requests": "write" },
  "deploy.yml": { "id-token": "write", contents: "read" },
};

describe.each(WORKFLOWS)("%s", (file) => {
  it("is a valid GitHub Actions workflow", () => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  it("pins every action to a full version tag (or a commit SHA)", () => {
    const uses = steps(load(file)).flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  it("grants nothing at the workflow level and only the listed permissions per job", () => {
    const wf = load(file);
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(typeof job.permissions, `${name} declares its permissions`).toBe("object");
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        expect(ALLOWED_PERMISSIONS[file][scope], `${name}: ${scope}: ${level}`).toBe(level);
      }
    }
  });

  it("uses no long-lived AWS keys", () => {
    expect(read(file)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });
});

describe("ci.yml", () => {
  const wf = load("ci.yml");

  it("runs on pull requests and pushes", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
  });

  it("runs exactly `npm ci` then `npm test` on Node 20 with the npm cache (the README and .ci/run command)", () => {
    const [job] = Object.values(wf.jobs);
    expect(job.steps.flatMap((s) => (s.run ? [s.run] : []))).toEqual(["npm ci", "npm test"]);
    expect(usesOf(job, "actions/setup-node")[0].with).toMatchObject({ "node-version": 20, cache: "npm" });
    const ciRun = fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8");
    expect(ciRun.split("\n").filter((l) => /^npm /.test(l))).toEqual(["npm ci", "npm test"]);
  });
});

describe("preview.yml", () => {
  const wf = load("preview.yml");
  const [job] = Object.values(wf.jobs);

  it("previews every shipped stack on pull requests", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect([...(job.strategy?.matrix?.stack ?? [])].sort()).toEqual(listStacks());
  });

  it("assumes the AWS role through OIDC", () => {
    expect(job.permissions).toMatchObject({ "id-token": "write", contents: "read", "pull-requests": "write" });
    const [aws] = usesOf(job, "aws-actions/configure-aws-credentials");
    expect(aws.with?.["role-to-assume"]).toBe("${{ vars.AWS_ROLE_ARN }}");
  });

  it("runs `pulumi preview` with the policy pack through the official action and comments on the PR", () => {
    const [pulumi] = usesOf(job, "pulumi/actions");
    expect(pulumi.with).toMatchObject({ command: "preview", "stack-name": "${{ matrix.stack }}", policyPacks: "policy", "comment-on-pr": true });
    expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    const order = job.steps.map((s) => s.uses?.split("@")[0] ?? s.run);
    expect(order.indexOf("aws-actions/configure-aws-credentials")).toBeLessThan(order.indexOf("pulumi/actions"));
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");
  const upJobs = Object.entries(wf.jobs).map(([name, job]) => ({ name, job, pulumi: usesOf(job, "pulumi/actions")[0] }));

  it("deploys on pushes to main only", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
  });

  it("runs `pulumi up` once for every shipped stack, with the policy pack and OIDC credentials", () => {
    expect(upJobs.map((j) => j.pulumi.with?.["stack-name"]).sort()).toEqual(listStacks());
    for (const { name, job, pulumi } of upJobs) {
      expect(pulumi.with, name).toMatchObject({ command: "up", policyPacks: "policy" });
      expect(pulumi.env?.PULUMI_ACCESS_TOKEN, name).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
      expect(usesOf(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"], name).toBe("${{ vars.AWS_ROLE_ARN }}");
      expect(job.permissions, name).toEqual({ "id-token": "write", contents: "read" });
    }
  });

  it("never runs two deploys of one stack at once, and never cancels one halfway", () => {
    for (const { name, job, pulumi } of upJobs) {
      expect(job.concurrency, name).toEqual({ group: `deploy-${String(pulumi.with?.["stack-name"])}`, "cancel-in-progress": false });
    }
  });

  it("deploys prod only after dev, behind the reviewed production environment", () => {
    const prod = upJobs.find((j) => j.pulumi.with?.["stack-name"] === "prod")!;
    const dev = upJobs.find((j) => j.pulumi.with?.["stack-name"] === "dev")!;
    expect(prod.job.environment).toBe("production");
    expect([prod.job.needs].flat()).toContain(dev.name);
    expect(dev.job.needs).toBeUndefined();
  });
});
