/**
 * Owns the Celery job queues: one SQS queue per priority (SQS has no message priorities, seed PWM),
 * each with its own dead-letter queue, encrypted with the stack key, long-polled, and with a
 * visibility timeout above the longest task of its priority; the grants to send and consume; and the
 * queue outputs shaped for their consumers (URLs by priority, the alarms' list, Triton's wake sources).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fleetBacklog, JOB_QUEUE, NAME_LIMITS, PRIORITIES, type Priority, SECONDS_PER_DAY, type WorkersSizing } from "../../sizing";
import { PlatformComponent, physicalName, type StackContext, applyTransform, type Transform } from "../component";
import type { PolicyStatement } from "../iam";

export interface JobQueuesArgs {
  /** The stack: identity (names, tags), region, account, KMS key and log retention. */
  context: StackContext;
  /**
   * Worker sizing from the tier table: per-priority visibility timeout and `maxReceiveCount`, DLQ
   * retention and the long-polling wait.
   */
  sizing: WorkersSizing;
  /**
   * Priorities to create queues for.
   * @default `PRIORITIES` (`["free", "paid", "sprint"]`)
   * @example `["free", "paid"]`
   */
  priorities?: readonly Priority[];
  /**
   * Adjust a queue's arguments without forking this component (called for job queues and DLQs).
   * @example `{ queue: (args, priority, kind) => (kind === "dlq" ? args : { ...args, delaySeconds: 5 }) }`
   * @default - no transform
   */
  transform?: { queue?: Transform<aws.sqs.QueueArgs, [priority: Priority, kind: "jobs" | "dlq"]> };
}

/** The identifiers of one priority's queue pair. */
export interface JobQueue {
  priority: Priority;
  url: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  name: pulumi.Output<string>;
  dlqUrl: pulumi.Output<string>;
  dlqArn: pulumi.Output<string>;
  dlqName: pulumi.Output<string>;
}

/**
 * One SQS queue and one dead-letter queue per job priority.
 *
 * ```ts
 * const queues = new JobQueues("queues", { context, sizing: sizing.workers });
 * role policy: queues.grantSend()            // the API enqueues to any priority
 * role policy: queues.grantConsume("free")   // a free-tier worker reads only its own queue
 * ```
 *
 * **Cost**: $0.40 per million requests after the first million a month; long polling (20 s) keeps an
 * idle worker at ~130 000 receives a month. SSE-KMS adds KMS requests, bounded by the 5-minute data
 * key reuse ($0.03 per 10 000).
 */
export class JobQueues extends PlatformComponent {
  /** The queue pair of each priority. */
  public readonly byPriority: Record<Priority, JobQueue>;
  /** Job queue URLs in priority order (e.g. for a KEDA wake-up trigger). */
  public readonly queueUrls: pulumi.Output<string>[];
  /** Job queue ARNs in priority order. */
  public readonly queueArns: pulumi.Output<string>[];
  /** Job queue URL per priority (the gateway's `<PRIORITY>_QUEUE_URL`, the `jobQueueUrls` stack output). */
  public readonly urlsByPriority: Record<Priority, pulumi.Output<string>>;
  /** Dead-letter queue URL per priority (the `deadLetterQueueUrls` stack output, for redrives). */
  public readonly dlqUrlsByPriority: Record<Priority, pulumi.Output<string>>;
  /** What the queue alarms watch, in priority order: each priority's queue and DLQ names. */
  public readonly alarmQueues: { priority: Priority; name: pulumi.Output<string>; dlqName: pulumi.Output<string> }[];
  /** What can wake Triton, in priority order: each job queue's URL and ARN. */
  public readonly wakeSources: { priority: Priority; url: pulumi.Output<string>; arn: pulumi.Output<string> }[];
  /**
   * Triton's wake triggers (Inference's `jobQueues`), in priority order: each job queue with the
   * backlog that is about one Triton replica's worth of demand, its worker fleet busy at its maximum
   * ({@link fleetBacklog} of this component's own `sizing`).
   */
  public readonly tritonWakeSources: { url: pulumi.Output<string>; arn: pulumi.Output<string>; backlogPerReplica: number }[];
  /** The raw queues, for anything this component does not expose. */
  public readonly queues: Record<Priority, { jobs: aws.sqs.Queue; dlq: aws.sqs.Queue }>;
  private readonly kmsKeyArn: pulumi.Input<string>;

  constructor(name: string, args: JobQueuesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("queues", "JobQueues", name, opts);
    const priorities = args.priorities ?? PRIORITIES;
    const tags = args.context.identity.tags;
    const parent = this;
    this.kmsKeyArn = args.context.kmsKeyArn;

    this.queues = {} as Record<Priority, { jobs: aws.sqs.Queue; dlq: aws.sqs.Queue }>;
    this.byPriority = {} as Record<Priority, JobQueue>;
    for (const priority of priorities) {
      const dlq = createDeadLetterQueue(priority);
      const jobs = createJobQueue(priority, dlq);
      allowRedriveOnlyFrom(priority, dlq, jobs);
      this.queues[priority] = { jobs, dlq };
      this.byPriority[priority] = {
        priority,
        url: jobs.url,
        arn: jobs.arn,
        name: jobs.name,
        dlqUrl: dlq.url,
        dlqArn: dlq.arn,
        dlqName: dlq.name,
      };
    }
    const ordered = priorities.map((p) => this.byPriority[p]);
    this.urlsByPriority = Object.fromEntries(ordered.map((q) => [q.priority, q.url])) as Record<Priority, pulumi.Output<string>>;
    this.dlqUrlsByPriority = Object.fromEntries(ordered.map((q) => [q.priority, q.dlqUrl])) as Record<Priority, pulumi.Output<string>>;
    this.alarmQueues = ordered.map((q) => ({ priority: q.priority, name: q.name, dlqName: q.dlqName }));
    this.wakeSources = ordered.map((q) => ({ priority: q.priority, url: q.url, arn: q.arn }));
    this.tritonWakeSources = ordered.map((q) => ({ url: q.url, arn: q.arn, backlogPerReplica: fleetBacklog(args.sizing.priorities[q.priority]) }));
    this.queueUrls = priorities.map((p) => this.byPriority[p].url);
    this.queueArns = priorities.map((p) => this.byPriority[p].arn);

    this.registerOutputs({
      byPriority: this.byPriority,
      urlsByPriority: this.urlsByPriority,
      dlqUrlsByPriority: this.dlqUrlsByPriority,
      alarmQueues: this.alarmQueues,
      wakeSources: this.wakeSources,
      queueUrls: this.queueUrls,
      queueArns: this.queueArns,
    });

    function encryption(): Pick<aws.sqs.QueueArgs, "kmsMasterKeyId" | "kmsDataKeyReusePeriodSeconds"> {
      return { kmsMasterKeyId: args.context.kmsKeyArn, kmsDataKeyReusePeriodSeconds: JOB_QUEUE.kmsDataKeyReuseSeconds };
    }

    function transformed(queueArgs: aws.sqs.QueueArgs, priority: Priority, kind: "jobs" | "dlq"): aws.sqs.QueueArgs {
      return applyTransform(args.transform?.queue, queueArgs, priority, kind);
    }

    function createDeadLetterQueue(priority: Priority): aws.sqs.Queue {
      return new aws.sqs.Queue(
        parent.childName(`${priority}-dlq`),
        transformed(
          {
            name: physicalName(args.context.identity, `jobs-${priority}-dlq`, NAME_LIMITS.sqsQueue),
            messageRetentionSeconds: args.sizing.dlqRetentionDays * SECONDS_PER_DAY,
            ...encryption(),
            tags: { ...tags, priority, role: "dead-letter" },
          },
          priority,
          "dlq",
        ),
        { parent },
      );
    }

    function createJobQueue(priority: Priority, dlq: aws.sqs.Queue): aws.sqs.Queue {
      const p = args.sizing.priorities[priority];
      return new aws.sqs.Queue(
        parent.childName(`${priority}-jobs`),
        transformed(
          {
            name: physicalName(args.context.identity, `jobs-${priority}`, NAME_LIMITS.sqsQueue),
            // Above the longest task (config validation refuses anything else): a message that
            // reappears while its task still runs is executed twice.
            visibilityTimeoutSeconds: p.visibilityTimeoutSeconds,
            receiveWaitTimeSeconds: args.sizing.receiveWaitSeconds,
            messageRetentionSeconds: JOB_QUEUE.messageRetentionDays * SECONDS_PER_DAY,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: p.maxReceiveCount }),
            ...encryption(),
            tags: { ...tags, priority, role: "jobs" },
          },
          priority,
          "jobs",
        ),
        { parent },
      );
    }

    /** The DLQ accepts redrives from its own source queue only (a separate resource: no create-order cycle). */
    function allowRedriveOnlyFrom(priority: Priority, dlq: aws.sqs.Queue, source: aws.sqs.Queue): aws.sqs.RedriveAllowPolicy {
      return new aws.sqs.RedriveAllowPolicy(
        parent.childName(`${priority}-dlq-redrive-allow`),
        {
          queueUrl: dlq.url,
          redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [source.arn] }),
        },
        { parent },
      );
    }
  }

  /**
   * Statements that let a producer enqueue jobs: SendMessage (+ the URL/attribute lookups Celery
   * does on start) on the given priorities' queues only, and the KMS calls SSE-KMS needs to encrypt.
   */
  public grantSend(priorities: readonly Priority[] = Object.keys(this.byPriority) as Priority[]): PolicyStatement[] {
    return [
      {
        Sid: "SendJobs",
        Action: ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
        Resource: priorities.map((p) => this.byPriority[p].arn),
      },
      { Sid: "EncryptJobs", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: this.kmsKeyArn },
    ];
  }

  /**
   * Statements that let a worker consume ONE priority's queue: receive, delete, extend visibility
   * (Celery's acks_late + long tasks) and look the queue up; send to that same queue, because
   * Celery's `Task.retry()` and countdown/ETA re-deliveries publish a new message to the queue the
   * task came from; encrypt and decrypt with the stack key. Nothing on other priorities' queues (a
   * free job cannot promote itself to sprint), nothing on the DLQ (redrives are an operator's action).
   */
  public grantConsume(priority: Priority): PolicyStatement[] {
    const queue = this.byPriority[priority];
    if (!queue) throw new Error(`JobQueues ${this.name} has no ${priority} queue`);
    // Sids name the priority: a shared worker joins several priorities' grants into one policy, and
    // IAM refuses a policy whose Sids repeat (src/plan/refusals/, iam-policy-sid).
    const label = `${priority[0].toUpperCase()}${priority.slice(1)}`;
    return [
      {
        Sid: `Consume${label}Jobs`,
        Action: [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
          "sqs:SendMessage",
        ],
        Resource: queue.arn,
      },
      { Sid: `EncryptAndDecrypt${label}Jobs`, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: this.kmsKeyArn },
    ];
  }
}
