/**
 * Job queues for every shipped stack × tier: one queue and one DLQ per priority, redrive both ways,
 * SSE-KMS with the stack key, visibility above the priority's longest task, long polling; and the
 * grant helpers' statements (consume = own queue only, send = SendMessage only); and the queue
 * transform in both forms.
 */
import { describe, expect, it } from "vitest";
import { JobQueues, type JobQueuesArgs } from "../../components/services";
import { JOB_QUEUE, PRIORITIES, TIERS } from "../../sizing";
import { json, named, ofType, rendered, stackTierMatrix } from "../support/graph";
import { recordRegistrations, unitContext } from "../support/unit";

const DAY = 86_400;

describe.each(stackTierMatrix())("job queues of $stack at $tier", ({ stack, tier }) => {
  it("has exactly one job queue and one DLQ per priority, with physical names per stack", async () => {
    const g = await rendered(stack, tier);
    const names = ofType(g, "aws:sqs/queue:Queue").map((q) => q.inputs.name).sort();
    // Plus Triton's wake queue, at every tier (a signal queue, not a job queue).
    const wake = [`inference-platform-${stack}-triton-wake`];
    expect(names).toEqual(
      [...PRIORITIES.flatMap((p) => [`inference-platform-${stack}-jobs-${p}`, `inference-platform-${stack}-jobs-${p}-dlq`]), ...wake].sort(),
    );
  });

  it.each(PRIORITIES)("%s: visibility above the longest task, DLQ after maxReceiveCount, long polling", async (priority) => {
    const g = await rendered(stack, tier);
    const p = g.config.sizing.workers.priorities[priority];
    const jobs = named(g, `queues-${priority}-jobs`).inputs;
    const dlq = named(g, `queues-${priority}-dlq`);
    expect(jobs.visibilityTimeoutSeconds).toBe(p.visibilityTimeoutSeconds);
    expect(jobs.visibilityTimeoutSeconds as number).toBeGreaterThan(p.taskTimeoutSeconds);
    // Seed PWM: free and paid run up to 1 h, sprint up to 4 h.
    expect(p.taskTimeoutSeconds).toBe(priority === "sprint" ? 4 * 3600 : 3600);
    expect(jobs.receiveWaitTimeSeconds).toBe(g.config.sizing.workers.receiveWaitSeconds);
    expect(jobs.receiveWaitTimeSeconds).toBe(20);
    expect(jobs.messageRetentionSeconds).toBe(JOB_QUEUE.messageRetentionDays * DAY);
    const redrive = json<{ deadLetterTargetArn: string; maxReceiveCount: number }>(jobs.redrivePolicy);
    expect(redrive.maxReceiveCount).toBe(p.maxReceiveCount);
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(3);
    expect(redrive.deadLetterTargetArn).toBe(`arn:aws:sqs:us-east-1:123456789012:inference-platform-${stack}-jobs-${priority}-dlq`);
    expect(dlq.inputs.messageRetentionSeconds).toBe(g.config.sizing.workers.dlqRetentionDays * DAY);
    expect(dlq.inputs.messageRetentionSeconds as number).toBeGreaterThan(jobs.messageRetentionSeconds as number);
    expect(dlq.inputs.redrivePolicy).toBeUndefined();
  });

  it("lets each DLQ accept redrives from its own source queue only", async () => {
    const g = await rendered(stack, tier);
    for (const priority of PRIORITIES) {
      const allow = named(g, `queues-${priority}-dlq-redrive-allow`).inputs;
      expect(allow.queueUrl).toBe(`https://sqs.us-east-1.amazonaws.com/123456789012/inference-platform-${stack}-jobs-${priority}-dlq`);
      expect(json(allow.redriveAllowPolicy)).toEqual({
        redrivePermission: "byQueue",
        sourceQueueArns: [`arn:aws:sqs:us-east-1:123456789012:inference-platform-${stack}-jobs-${priority}`],
      });
    }
  });

  it("encrypts every queue with the stack's KMS key (not the AWS-managed alias)", async () => {
    const g = await rendered(stack, tier);
    const keyArn = g.outputs.kmsKeyArn;
    expect(keyArn).toMatch(/^arn:aws:kms:/);
    for (const q of ofType(g, "aws:sqs/queue:Queue")) {
      expect(q.inputs.kmsMasterKeyId).toBe(keyArn);
      expect(q.inputs.kmsDataKeyReusePeriodSeconds).toBe(JOB_QUEUE.kmsDataKeyReuseSeconds);
      expect(q.inputs.sqsManagedSseEnabled).not.toBe(true);
    }
  });

  it("exports the job and dead-letter queue URLs per priority", async () => {
    const g = await rendered(stack, tier);
    const urls = g.outputs.jobQueueUrls as Record<string, string>;
    const dlqUrls = g.outputs.deadLetterQueueUrls as Record<string, string>;
    expect(Object.keys(urls).sort()).toEqual([...PRIORITIES].sort());
    for (const p of PRIORITIES) {
      expect(urls[p]).toMatch(new RegExp(`/inference-platform-${stack}-jobs-${p}$`));
      expect(dlqUrls[p]).toMatch(new RegExp(`/inference-platform-${stack}-jobs-${p}-dlq$`));
    }
  });
});

describe("grant helpers", () => {
  it("consume statements name only the one queue (send included, for Celery retries) and the key; send statements only send", async () => {
    const g = await rendered("prod", "10k");
    const policyOf = (role: string) =>
      json<{ Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[] }>(named(g, role).inputs.policy);
    const free = policyOf("workers-free-task-policy").Statement.find((s) => s.Sid === "ConsumeFreeJobs")!;
    expect(free.Resource).toBe("arn:aws:sqs:us-east-1:123456789012:inference-platform-prod-jobs-free");
    expect([free.Action].flat().sort()).toEqual(
      ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"].sort(),
    );
    const send = policyOf("gateway-api-task-policy").Statement.find((s) => s.Sid === "SendJobs")!;
    expect([send.Action].flat()).not.toContain("sqs:ReceiveMessage");
    expect([send.Action].flat()).toContain("sqs:SendMessage");
    expect([send.Resource].flat()).toHaveLength(PRIORITIES.length);
    expect([send.Resource].flat().every((arn) => !arn.endsWith("-dlq"))).toBe(true);
  });
});

describe("queue transform", () => {
  const sizing = TIERS["10k"];
  /** Each queue's inputs by logical name, JobQueues built alone with `transform`. */
  async function queueInputs(transform?: JobQueuesArgs["transform"]): Promise<Map<string, Record<string, unknown>>> {
    const recorded = await recordRegistrations("inference-platform", "dev", () => {
      new JobQueues("queues", { context: unitContext("inference-platform", "dev", sizing.observability.logRetentionDays), sizing: sizing.workers, transform });
    });
    return new Map(recorded.filter((r) => r.type === "aws:sqs/queue:Queue").map((r) => [r.name, r.inputs]));
  }

  it("merges a partial over every queue, job queues and DLQs alike", async () => {
    const [plain, partial] = [await queueInputs(), await queueInputs({ queue: { delaySeconds: 5 } })];
    expect(plain.size).toBe(PRIORITIES.length * 2);
    for (const [name, inputs] of plain) expect(partial.get(name)).toEqual({ ...inputs, delaySeconds: 5 });
  });

  it("calls a function with each queue's priority and kind, and uses what it returns", async () => {
    const plain = await queueInputs();
    const calls: string[] = [];
    const changed = await queueInputs({
      queue: (a, priority, kind) => {
        calls.push(`${priority}/${kind}`);
        return kind === "dlq" ? a : { ...a, delaySeconds: 5 };
      },
    });
    expect(calls.sort()).toEqual(PRIORITIES.flatMap((p) => [`${p}/dlq`, `${p}/jobs`]).sort());
    for (const p of PRIORITIES) {
      expect(changed.get(`queues-${p}-jobs`)).toEqual({ ...plain.get(`queues-${p}-jobs`), delaySeconds: 5 });
      expect(changed.get(`queues-${p}-dlq`)).toEqual(plain.get(`queues-${p}-dlq`));
    }
  });
});
