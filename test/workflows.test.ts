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
import { DEV_POLICY_CONFIG_FILE } from "../policy/pack-config";
import { COMMENT_MARKER } from "../src/plan/compare";
import { listStacks, REPO_ROOT } from "../src/plan/harness";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  "working-directory"?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  "timeout-minutes"?: number;
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
  "preview.yml": { "id-token": "write", contents: "read", "pull-requests": "write", "security-events": "write" },
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

/** Every job that runs `pulumi preview|up` with the policy pack: its stack and its policy-pack configs. */
function packRuns(file: string) {
  return Object.entries(load(file).jobs).flatMap(([name, job]) =>
    usesOf(job, "pulumi/actions")
      .filter((s) => s.with?.policyPacks === "policy")
      .map((s) => ({ name, job, stack: String(s.with?.["stack-name"]), configs: String(s.with?.policyPackConfigs ?? "").split(/[\n;]/).filter(Boolean) })),
  );
}

/** A CodeBuild-hosted runner label (https://docs.aws.amazon.com/codebuild/latest/userguide/sample-github-action-runners-update-labels.html). */
const CODEBUILD_RUNNER = /^codebuild-\$\{\{ vars\.CODEBUILD_RUNNER_PROJECT \}\}-\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/;

describe("per-environment policy in every workflow that runs the pack", () => {
  it("the pack runs on every shipped stack in preview and deploy", () => {
    for (const file of ["preview.yml", "deploy.yml"]) expect(packRuns(file).map((r) => r.stack).sort(), file).toEqual(listStacks());
  });

  it("every run on dev passes the generated dev policy-pack config; prod passes none (levels in code)", () => {
    expect(fs.existsSync(path.join(REPO_ROOT, DEV_POLICY_CONFIG_FILE))).toBe(true);
    for (const file of WORKFLOWS) {
      for (const run of packRuns(file)) {
        expect(run.configs, `${file} ${run.name}`).toEqual(run.stack === "prod" ? [] : [DEV_POLICY_CONFIG_FILE]);
      }
    }
  });
});

describe("reaching the cluster and sessions", () => {
  it("prod's preview and deploy run on a CodeBuild-hosted runner inside the VPC; dev on GitHub-hosted runners", () => {
    for (const file of ["preview.yml", "deploy.yml"]) {
      for (const run of packRuns(file)) expect(run.job["runs-on"], `${file} ${run.name}`).toMatch(run.stack === "prod" ? CODEBUILD_RUNNER : /^ubuntu-latest$/);
    }
  });

  it("every AWS session outlasts its job (role-duration-seconds > timeout) within IAM's 12 h maximum", () => {
    for (const file of WORKFLOWS) {
      for (const [name, job] of Object.entries(load(file).jobs)) {
        for (const aws of usesOf(job, "aws-actions/configure-aws-credentials")) {
          const seconds = Number(aws.with?.["role-duration-seconds"]);
          expect(seconds, `${file} ${name}`).toBeGreaterThan((job["timeout-minutes"] ?? 360) * 60);
          expect(seconds).toBeLessThanOrEqual(43_200);
        }
      }
    }
  });

  it("previews assume the read-only preview role, deploys the deploy role", () => {
    for (const { job, name } of packRuns("preview.yml")) {
      expect(usesOf(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"], name).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
    }
    for (const { job, name } of packRuns("deploy.yml")) {
      expect(usesOf(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"], name).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    }
  });

  it("a cancelled deploy releases its stack lock with `pulumi cancel` for that stack", () => {
    for (const { job, name, stack } of packRuns("deploy.yml")) {
      const cancel = job.steps.find((s) => s.if === "cancelled()");
      expect(cancel?.run, name).toBe(`pulumi cancel --yes --stack ${stack}`);
      expect(cancel?.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
      expect(job.steps.indexOf(cancel!)).toBeGreaterThan(job.steps.indexOf(usesOf(job, "pulumi/actions")[0]));
    }
  });
});

describe("preview.yml", () => {
  const wf = load("preview.yml");
  const plan = wf.jobs.plan;
  const runs = plan.steps.flatMap((s) => (s.run ? [s.run] : []));

  it("runs on pull requests", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
  });

  it("plans the base branch and the head of every stack, and compares them", () => {
    const [base, head] = usesOf(plan, "actions/checkout");
    expect(base.with).toMatchObject({ ref: "${{ github.event.pull_request.base.sha }}", path: "base" });
    expect(head.with).toMatchObject({ path: "head" });
    const stacks = listStacks().map((s) => `--stack ${s}`).join(" ");
    expect(plan.steps.find((s) => s["working-directory"] === "base")?.run).toContain(`npm run -s plan -- ${stacks} --compare --format json > "$RUNNER_TEMP/base.json"`);
    expect(runs.join("\n")).toContain(`npm run -s plan -- ${stacks} --compare --compare-to "$RUNNER_TEMP/base.json" --format markdown > "$RUNNER_TEMP/comment.md"`);
  });

  it("posts ONE comment and updates it in place, found by the tool's marker", () => {
    const [script] = usesOf(plan, "actions/github-script");
    const code = String(script.with?.script);
    expect(code).toContain(JSON.stringify(COMMENT_MARKER));
    expect(code).toMatch(/updateComment\(/);
    expect(code).toMatch(/if \(previous\) await github\.rest\.issues\.updateComment[\s\S]*else await github\.rest\.issues\.createComment/);
    expect(script.env?.COMMENT_FILE).toBe("${{ runner.temp }}/comment.md");
  });

  it("uploads the SARIF policy findings to code scanning", () => {
    expect(runs.join("\n")).toMatch(/--sarif "\$RUNNER_TEMP\/findings\.sarif"/);
    const [upload] = usesOf(plan, "github/codeql-action/upload-sarif");
    expect(upload.with).toMatchObject({ sarif_file: "${{ runner.temp }}/findings.sarif" });
    expect(plan.permissions).toMatchObject({ "security-events": "write" });
  });

  it("gates prod with --fail-on budget, capacity, scheduling and mandatory, after the comment is posted", () => {
    const gate = plan.steps.findIndex((s) => /--stack prod .*--fail-on /.test(s.run ?? ""));
    const reasons = /--fail-on (\S+)/.exec(plan.steps[gate].run ?? "")?.[1].split(",");
    expect(reasons).toEqual(expect.arrayContaining(["budget", "capacity", "scheduling", "mandatory"]));
    expect(gate).toBeGreaterThan(plan.steps.findIndex((s) => s.uses?.startsWith("actions/github-script@")));
  });

  it("runs `pulumi preview` with the policy pack through the official action and comments on the PR", () => {
    for (const { job, name, stack } of packRuns("preview.yml")) {
      const [pulumi] = usesOf(job, "pulumi/actions");
      expect(pulumi.with, name).toMatchObject({ command: "preview", "stack-name": stack, policyPacks: "policy", "comment-on-pr": true });
      expect(pulumi.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
      const order = job.steps.map((s) => s.uses?.split("@")[0] ?? s.run);
      expect(order.indexOf("aws-actions/configure-aws-credentials")).toBeLessThan(order.indexOf("pulumi/actions"));
    }
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
