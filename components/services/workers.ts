/**
 * Owns the Celery workers, a thin variant over the service base (service.ts): one Fargate service per
 * job priority (or one shared service where the tier says so), each consuming only its own SQS
 * queue(s) with the Celery command, environment and grants it needs, and every shape's log group.
 * How they scale (backlog step scaling, to zero where the tier allows) is worker-scaling.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CELERY, combinePriorities, PRIORITIES, type Priority, type WorkersSizing } from "../../sizing";
import { applyTransform, PlatformComponent, type StackContext, type Transform } from "../component";
import type { FargateCluster, ImageSource } from "./cluster";
import { dependencyEnvironment, type ServiceDependencies } from "./contract";
import { createFargateService, createServiceLogGroup, type FargateServiceParts } from "./service";
import { type BacklogScaling, createBacklogScaling } from "./worker-scaling";
import type { PolicyStatement } from "../iam";
import type { JobQueues } from "./queues";
import type { ObservedService } from "../observability";

export interface WorkersArgs {
  /** The stack: identity (names, tags), region, account, KMS key and log retention. */
  context: StackContext;
  /** Task size, Celery concurrency and per-priority scaling bounds, from the tier table. */
  sizing: WorkersSizing;
  /** Private subnets and the network's `workers` security group. */
  network: { privateSubnetIds: pulumi.Input<string[]>; securityGroupId: pulumi.Input<string> };
  /** The shared ECS cluster. */
  cluster: FargateCluster;
  /** The Celery worker image (and its ECR repository, for pull permissions). */
  image: ImageSource;
  /** The job queues; each worker service gets `queues.grantConsume(itsPriority)` and nothing on the others. */
  queues: JobQueues;
  /** Database, cache, buckets and Triton the jobs talk to; become environment variables and secrets. */
  dependencies: ServiceDependencies;
  /**
   * What every worker may do besides consuming its queue (e.g. `storage.grant("readWrite", "artifacts")`).
   * @default `[]`
   */
  taskPermissions?: pulumi.Input<PolicyStatement[]>[];
  /**
   * Priorities to run workers for.
   * @default `PRIORITIES` (`["free", "paid", "sprint"]`)
   * @example `["paid", "sprint"]`
   */
  priorities?: readonly Priority[];
  /**
   * The Celery application module (`celery -A <app>`).
   * @default `"app"`
   */
  celeryApp?: string;
  /**
   * Adjust a worker ECS service's arguments without forking this component; the function form gets
   * the service's role (`worker-free`, `worker-shared`, ...).
   * @default - no transform
   * @example `{ service: (args, role) => (role === "worker-sprint" ? { ...args, availabilityZoneRebalancing: "ENABLED" } : args) }`
   */
  transform?: { service?: Transform<aws.ecs.ServiceArgs, [role: WorkerRole]> };
}

/** A worker service's role in names: `worker-<key>`. */
export type WorkerRole = `worker-${WorkerKey}`;

/** A worker service's key: its priority, or `shared` for the one service of `sizing.shared`. */
export type WorkerKey = Priority | "shared";

/** One worker service (a priority's, or the shared one) and its scaling pieces. */
export interface WorkerService {
  key: WorkerKey;
  /** The priorities whose queues it consumes, highest first. */
  priorities: Priority[];
  parts: FargateServiceParts;
  scaling: BacklogScaling;
}

/**
 * Celery workers, one Fargate service per priority.
 *
 * ```ts
 * const workers = new Workers("workers", { queues, cluster: ecs, image: ecs.images.worker, sizing: sizing.workers, ... });
 * ```
 *
 * Scaling: step policies driven by CloudWatch alarms on the queue backlog, waking from zero and
 * scaling in only when nothing is queued or in flight ({@link createBacklogScaling}, worker-scaling.ts).
 *
 * **Cost**: Fargate ARM64 $0.03238 per vCPU-hour + $0.00356 per GB-hour per running task, ~65 % less
 * on Fargate Spot (free tier and dev); zero while idle where the tier's minimum is 0. Two alarms per
 * priority at $0.10 each (the scale-in alarm uses metric math over two metrics: $0.20).
 */
export class Workers extends PlatformComponent {
  public readonly services: Partial<Record<WorkerKey, WorkerService>>;
  /** ECS service names by key: each priority, or `shared` (for alarms and dashboards). */
  public readonly serviceNames: Partial<Record<WorkerKey, pulumi.Output<string>>>;
  /** Log group names by key. */
  public readonly logGroupNames: Partial<Record<WorkerKey, pulumi.Output<string>>>;
  public readonly clusterName: pulumi.Output<string>;
  /** What Observability watches: each worker service (role `worker-<key>`), in creation order. */
  public readonly observedServices: ObservedService[];

  constructor(name: string, args: WorkersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("services", "Workers", name, opts);
    const priorities = args.priorities ?? PRIORITIES;
    const taskPermissions = args.taskPermissions ?? [];
    const celeryApp = args.celeryApp ?? "app";
    const parent = this;
    const deps = dependencyEnvironment(args.dependencies);

    this.services = {};
    this.serviceNames = {};
    this.logGroupNames = {};
    // Highest priority first: the order Celery's -Q lists them (kombu then polls them round-robin).
    const byImportance = [...priorities].reverse();
    const consumers: { key: WorkerKey; priorities: Priority[] }[] = args.sizing.shared
      ? [{ key: "shared", priorities: byImportance }]
      : priorities.map((p) => ({ key: p, priorities: [p] }));
    // Every shape's log groups exist at every tier (an empty log group costs nothing), so a tier switch
    // between the shared worker and one per priority deletes no logs with the services it replaces.
    const logGroups = Object.fromEntries(
      (["shared", ...priorities] as WorkerKey[]).map((key) => [
        key,
        createServiceLogGroup(parent.childName(key), { context: args.context, role: `worker-${key}` }, parent),
      ]),
    ) as Record<WorkerKey, aws.cloudwatch.LogGroup>;
    for (const { key, priorities: consumed } of consumers) {
      const parts = createWorkerService(key, consumed);
      const scaling = createBacklogScaling(
        parent.childName(key),
        {
          context: args.context,
          key,
          sizing: combinePriorities(consumed.map((c) => args.sizing.priorities[c])),
          queueNames: consumed.map((c) => args.queues.byPriority[c].name),
          cluster: args.cluster,
          service: parts.service,
        },
        parent,
      );
      this.services[key] = { key, priorities: consumed, parts, scaling };
      this.serviceNames[key] = parts.service.name;
      this.logGroupNames[key] = parts.logGroup.name;
    }
    this.clusterName = args.cluster.clusterName;
    this.observedServices = (Object.entries(this.serviceNames) as [WorkerKey, pulumi.Output<string>][]).map(([key, serviceName]) => ({
      role: `worker-${key}` as const,
      serviceName,
      clusterName: this.clusterName,
    }));

    this.registerOutputs({
      serviceNames: this.serviceNames,
      logGroupNames: this.logGroupNames,
      clusterName: this.clusterName,
    });

    function createWorkerService(key: WorkerKey, consumed: Priority[]): FargateServiceParts {
      const p = combinePriorities(consumed.map((c) => args.sizing.priorities[c]));
      const queues = consumed.map((c) => args.queues.byPriority[c]);
      // Tasks the worker itself sends (retries keep their own queue) default to its lowest priority.
      const queue = queues[queues.length - 1];
      const resultBackend = pulumi.interpolate`rediss://${args.dependencies.cache.host}:${args.dependencies.cache.port}/${CELERY.resultBackendDb}?ssl_cert_reqs=required`;
      const queueNames = pulumi.all(queues.map((q) => q.name));
      // Kombu's SQS transport with predefined queues: it never calls ListQueues/CreateQueue, so the
      // role needs no account-wide SQS permission. Only the queues this worker consumes are listed.
      // A shared worker takes the longest visibility timeout (kombu applies it to all its queues).
      const transportOptions = pulumi
        .all(queues.map((q) => pulumi.all([q.name, q.url])))
        .apply((pairs) =>
          JSON.stringify({
            region: args.context.region,
            predefined_queues: Object.fromEntries(pairs.map(([queueName, url]) => [queueName, { url }])),
            visibility_timeout: p.visibilityTimeoutSeconds,
            wait_time_seconds: args.sizing.receiveWaitSeconds,
          }),
        );
      return createFargateService(
        parent.childName(key),
        {
          context: args.context,
          role: `worker-${key}`,
          cluster: args.cluster,
          image: args.image,
          cpu: args.sizing.cpu,
          memoryMiB: args.sizing.memoryMiB,
          desiredCount: p.minTasks,
          spot: p.spot,
          subnetIds: args.network.privateSubnetIds,
          securityGroupIds: [args.network.securityGroupId],
          logGroup: logGroups[key],
          command: [
            "celery",
            "-A",
            celeryApp,
            "worker",
            "-Q",
            queueNames.apply((names) => names.join(",")),
            "--concurrency",
            String(args.sizing.concurrency),
            "--prefetch-multiplier",
            String(CELERY.prefetchMultiplier),
            "--loglevel",
            "INFO",
          ],
          environment: {
            ...deps.environment,
            LOG_FORMAT: "json",
            JOB_PRIORITY: consumed.join(","),
            CELERY_BROKER_URL: "sqs://",
            CELERY_BROKER_TRANSPORT_OPTIONS: transportOptions,
            CELERY_TASK_DEFAULT_QUEUE: queue.name,
            // Acknowledge after the task finishes: a worker lost mid-job (spot interruption) leaves
            // the message to reappear after the visibility timeout instead of losing the job.
            CELERY_ACKS_LATE: "true",
            CELERY_WORKER_PREFETCH_MULTIPLIER: String(CELERY.prefetchMultiplier),
            CELERY_TASK_TIME_LIMIT: String(p.taskTimeoutSeconds),
            // The AUTH token arrives as the REDIS_AUTH_TOKEN secret; the app adds it to this URL.
            CELERY_RESULT_BACKEND: resultBackend,
          },
          secrets: deps.secrets,
          taskPermissions: [...consumed.map((c) => args.queues.grantConsume(c)), ...taskPermissions],
          transformService: (serviceArgs) => applyTransform(args.transform?.service, serviceArgs, `worker-${key}` as WorkerRole),
        },
        parent,
      );
    }
  }
}
