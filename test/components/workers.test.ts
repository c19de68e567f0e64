/**
 * Celery workers for every shipped stack × tier: one Fargate service per priority consuming its own
 * queue (at 1k one shared service consuming all three) with acks_late and prefetch 1, backlog step scaling with the tier's bounds (waking from zero
 * where the tier allows it), spot per priority, secrets by reference, and roles that can touch only
 * their own queue.
 */
import { describe, expect, it } from "vitest";
import { backlogScaleOut } from "../../components/services/worker-scaling";
import { combinePriorities } from "../../sizing";
import { PRIORITIES, type Priority, SERVICES, WORKER_SCALING } from "../../sizing";
import { json, named, ofType, type RenderedGraph, rendered, stackTierMatrix, type Captured, statementsOf } from "../support/graph";

const SECRET_LOOKING = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY/i;
const queueArn = (stack: string, p: string) => `arn:aws:sqs:us-east-1:123456789012:inference-platform-${stack}-jobs-${p}`;

describe("backlog scale-out rule", () => {
  it("wakes a zero-minimum service at the first message, otherwise at the backlog per task", () => {
    expect(backlogScaleOut({ minTasks: 0, backlogPerTask: 20 })).toEqual({
      threshold: 1,
      steps: [
        { fromMessages: 1, toMessages: 20 * WORKER_SCALING.largeBacklogMultiple, change: 1 },
        { fromMessages: 20 * WORKER_SCALING.largeBacklogMultiple, change: WORKER_SCALING.largeStepChange },
      ],
    });
    expect(backlogScaleOut({ minTasks: 1, backlogPerTask: 10 }).threshold).toBe(10);
    expect(backlogScaleOut({ minTasks: 1, backlogPerTask: 10 }).steps[0]).toEqual({ fromMessages: 10, toMessages: 50, change: 1 });
  });
});

/** The worker services a graph runs: one per priority, or one shared service (highest priority first). */
function consumers(g: RenderedGraph): { key: string; priorities: Priority[] }[] {
  return g.config.sizing.workers.shared
    ? [{ key: "shared", priorities: [...PRIORITIES].reverse() }]
    : PRIORITIES.map((p) => ({ key: p, priorities: [p] }));
}

describe.each(stackTierMatrix())("workers of $stack at $tier", ({ stack, tier }) => {
  it("runs one service per priority, or at 1k one shared service consuming all three queues highest first", async () => {
    const g = await rendered(stack, tier);
    expect(g.config.sizing.workers.shared).toBe(tier === "1k");
    const services = ofType(g, "aws:ecs/service:Service").filter((r) => r.name.startsWith("workers-")).map((r) => r.name).sort();
    expect(services).toEqual(consumers(g).map((c) => `workers-${c.key}-service`).sort());
  });

  it("runs celery on its own queue(s) with acks_late, prefetch 1 and the (longest) task time limit", async () => {
    const g = await rendered(stack, tier);
    const { workers } = g.config.sizing;
    for (const { key, priorities } of consumers(g)) {
      const p = combinePriorities(priorities.map((x) => workers.priorities[x]));
      const queueNames = priorities.map((x) => `inference-platform-${stack}-jobs-${x}`);
      const c = json<Captured[]>(named(g, `workers-${key}-task`).inputs.containerDefinitions)[0];
      expect(c.command).toEqual([
        "celery", "-A", "app", "worker", "-Q", queueNames.join(","), "--concurrency", String(workers.concurrency), "--prefetch-multiplier", "1", "--loglevel", "INFO",
      ]);
      const env = Object.fromEntries((c.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
      expect(env).toMatchObject({
        CELERY_BROKER_URL: "sqs://",
        CELERY_ACKS_LATE: "true",
        CELERY_WORKER_PREFETCH_MULTIPLIER: "1",
        CELERY_TASK_TIME_LIMIT: String(p.taskTimeoutSeconds),
        CELERY_TASK_DEFAULT_QUEUE: queueNames[queueNames.length - 1],
        JOB_PRIORITY: priorities.join(","),
      });
      expect(env.CELERY_RESULT_BACKEND).toMatch(/^rediss:\/\/[^:@/]+:6379\/0\?ssl_cert_reqs=required$/);
      const transport = JSON.parse(env.CELERY_BROKER_TRANSPORT_OPTIONS) as { predefined_queues: Record<string, { url: string }>; visibility_timeout: number };
      expect(transport.predefined_queues).toEqual(
        Object.fromEntries(priorities.map((x, i) => [queueNames[i], { url: (g.outputs.jobQueueUrls as Record<string, string>)[x] }])),
      );
      // No job is delivered twice while it may still run.
      expect(transport.visibility_timeout).toBe(p.visibilityTimeoutSeconds);
      expect(p.visibilityTimeoutSeconds).toBeGreaterThan(p.taskTimeoutSeconds);
      expect(Object.keys(env).filter((k) => SECRET_LOOKING.test(k))).toEqual([]);
      expect((c.secrets as { name: string; valueFrom: string }[]).map((s) => s.name).sort()).toEqual(["REDIS_AUTH_TOKEN"]);
      for (const s of c.secrets as { valueFrom: string }[]) expect(s.valueFrom).toMatch(/^arn:aws:secretsmanager:/);
      expect(c).toMatchObject({ readonlyRootFilesystem: true, user: SERVICES.containerUser, stopTimeout: SERVICES.stopTimeoutSeconds });
      expect(c.portMappings).toEqual([]);
      const task = named(g, `workers-${key}-task`).inputs;
      expect(task).toMatchObject({ cpu: String(workers.cpu), memory: String(workers.memoryMiB) });
      expect(task.runtimePlatform).toEqual({ operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" });
    }
  });

  it("private subnets, no public IP, spot per the tier, shared cluster", async () => {
    const g = await rendered(stack, tier);
    for (const priority of PRIORITIES) {
      // Free tier and dev on spot; paid and sprint on regular Fargate in prod above 1k.
      const expectSpot = g.config.environment === "dev" || priority === "free" || tier === "1k";
      expect(g.config.sizing.workers.priorities[priority].spot).toBe(expectSpot);
    }
    for (const { key, priorities } of consumers(g)) {
      const p = combinePriorities(priorities.map((x) => g.config.sizing.workers.priorities[x]));
      const svc = named(g, `workers-${key}-service`).inputs;
      expect(svc.networkConfiguration).toEqual({
        subnets: g.outputs.privateSubnetIds,
        securityGroups: [named(g, "network-workers-sg").id],
        assignPublicIp: false,
      });
      expect(svc.cluster).toBe(named(g, "gateway-api-service").inputs.cluster);
      expect(svc.capacityProviderStrategies).toEqual([{ capacityProvider: p.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }]);
      expect(svc.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
      expect(svc).toMatchObject({ desiredCount: p.minTasks, platformVersion: "LATEST", enableExecuteCommand: false });
      expect(svc.loadBalancers).toBeUndefined();
    }
  });

  it("scales on backlog between the tier's bounds, to zero where the tier allows", async () => {
    const g = await rendered(stack, tier);
    for (const { key, priorities } of consumers(g)) {
      const p = combinePriorities(priorities.map((x) => g.config.sizing.workers.priorities[x]));
      const queueNames = priorities.map((x) => `inference-platform-${stack}-jobs-${x}`);
      const target = named(g, `workers-${key}-scaling-target`).inputs;
      expect(target).toMatchObject({ minCapacity: p.minTasks, maxCapacity: p.maxTasks, resourceId: `service/inference-platform-${stack}-services/worker-${key}` });
      expect(p.minTasks).toBe(tier === "100k" && g.config.environment === "prod" ? 1 : 0);

      const rule = backlogScaleOut(p);
      const out = named(g, `workers-${key}-scale-out`);
      const outConfig = out.inputs.stepScalingPolicyConfiguration as Captured;
      expect(out.inputs.policyType).toBe("StepScaling");
      expect(outConfig.adjustmentType).toBe("ChangeInCapacity");
      expect(outConfig.stepAdjustments).toEqual([
        { metricIntervalLowerBound: "0", metricIntervalUpperBound: String(p.backlogPerTask * WORKER_SCALING.largeBacklogMultiple - rule.threshold), scalingAdjustment: 1 },
        { metricIntervalLowerBound: String(p.backlogPerTask * WORKER_SCALING.largeBacklogMultiple - rule.threshold), scalingAdjustment: WORKER_SCALING.largeStepChange },
      ]);
      const high = named(g, `workers-${key}-backlog-high`).inputs;
      expect(high).toMatchObject({ comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching" });
      if (priorities.length === 1) {
        expect(high).toMatchObject({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: queueNames[0] } });
      } else {
        // A shared worker wakes on a job in ANY of its queues: the alarm reads their sum.
        const queries = high.metricQueries as Captured[];
        expect(queries.filter((q) => q.metric).map((q) => [q.metric.metricName, q.metric.dimensions.QueueName])).toEqual(
          queueNames.map((n) => ["ApproximateNumberOfMessagesVisible", n]),
        );
        expect(queries.find((q) => q.returnData)?.expression).toMatch(/^SUM\(\[FILL\(visible0, 0\), FILL\(visible1, 0\), FILL\(visible2, 0\)\]\)$/);
      }
      // A zero-task service must wake on the first message.
      expect(high.threshold).toBe(p.minTasks === 0 ? 1 : p.backlogPerTask);
      expect(high.alarmActions).toEqual([expect.stringContaining("arn:aws:")]);

      const inPolicy = named(g, `workers-${key}-scale-in`).inputs.stepScalingPolicyConfiguration as Captured;
      expect(inPolicy.adjustmentType).toBe("ExactCapacity");
      expect(inPolicy.stepAdjustments).toEqual([{ metricIntervalUpperBound: "0", scalingAdjustment: p.minTasks }]);
      const idle = named(g, `workers-${key}-idle`).inputs;
      expect(idle).toMatchObject({ threshold: 0, comparisonOperator: "LessThanOrEqualToThreshold", evaluationPeriods: WORKER_SCALING.idleMinutesBeforeScaleIn });
      const metrics = (idle.metricQueries as Captured[]).filter((q) => q.metric).map((q) => `${String(q.metric.dimensions.QueueName)} ${String(q.metric.metricName)}`).sort();
      // Idle only when every queue it consumes has nothing waiting and nothing in flight.
      expect(metrics).toEqual(queueNames.flatMap((n) => [`${n} ApproximateNumberOfMessagesNotVisible`, `${n} ApproximateNumberOfMessagesVisible`]).sort());
      if (priorities.length === 1) expect((idle.metricQueries as Captured[]).find((q) => q.returnData)?.expression).toBe("FILL(visible, 0) + FILL(inflight, 0)");
      expect(idle.alarmActions).toHaveLength(1);
      expect(idle.alarmActions).not.toEqual(high.alarmActions);
    }
  });

  it("scopes every worker role to the queues it consumes: no * action, no * resource, nothing on other priorities", async () => {
    const g = await rendered(stack, tier);
    for (const { key, priorities } of consumers(g)) {
      const statements = statementsOf(g, `workers-${key}-task-policy`);
      const actions = statements.flatMap((s) => [s.Action].flat());
      const resources = statements.flatMap((s) => [s.Resource].flat());
      expect(actions.filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
      expect(resources.filter((r) => r === "*")).toEqual([]);
      // Send only back to its own queue(s) (Celery retries); the resource check below pins which.
      expect(actions).toContain("sqs:SendMessage");
      const sqsResources = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("sqs:"))).flatMap((s) => [s.Resource].flat());
      expect([...new Set(sqsResources)].sort()).toEqual(priorities.map((x) => queueArn(stack, x)).sort());
      for (const other of PRIORITIES.filter((o) => !priorities.includes(o))) expect(resources).not.toContain(queueArn(stack, other));
      expect(resources.some((r) => r.endsWith("-dlq"))).toBe(false);
      // Writes only to artifacts; models and datasets read-only.
      const writes = statements.filter((s) => [s.Action].flat().includes("s3:PutObject")).flatMap((s) => [s.Resource].flat());
      expect(writes.every((r) => r.includes("-artifacts-"))).toBe(true);

      const exec = statementsOf(g, `workers-${key}-execution-policy`);
      for (const s of exec) if ([s.Resource].flat().includes("*")) expect(s.Action).toBe("ecr:GetAuthorizationToken");
    }
    if (!g.config.sizing.workers.shared) {
      // The free worker in particular cannot receive from the sprint queue.
      const free = statementsOf(g, "workers-free-task-policy");
      const receivable = free.filter((s) => [s.Action].flat().includes("sqs:ReceiveMessage")).flatMap((s) => [s.Resource].flat());
      expect(receivable).not.toContain(queueArn(stack, "sprint"));
    }
  });

  it("keeps an encrypted log group for every worker shape (shared and per priority) at every tier, and each service writes to its own", async () => {
    const g = await rendered(stack, tier);
    const groups = ofType(g, "aws:cloudwatch/logGroup:LogGroup").filter((l) => /^(workers|gateway-api)-/.test(l.name));
    // A tier switch between the shared worker and one per priority must delete no logs.
    expect(groups.map((l) => l.inputs.name).sort()).toEqual(
      ["gateway", "worker-shared", ...PRIORITIES.map((p) => `worker-${p}`)].map((r) => `/inference-platform/${stack}/ecs/${r}`).sort(),
    );
    for (const l of groups) {
      expect(l.inputs.retentionInDays).toBe(g.config.sizing.observability.logRetentionDays);
      expect(l.inputs.kmsKeyId).toBe(g.outputs.kmsKeyArn);
    }
    for (const { key } of consumers(g)) {
      const c = json<Captured[]>(named(g, `workers-${key}-task`).inputs.containerDefinitions)[0];
      expect(c.logConfiguration.options["awslogs-group"]).toBe(`/inference-platform/${stack}/ecs/worker-${key}`);
    }
  });
});

describe("a tier switch that flips spot", () => {
  it("changes the capacity provider strategy in place: every service forces a deployment instead of being replaced", async () => {
    const [small, large] = await Promise.all([rendered("prod", "1k"), rendered("prod", "10k")]);
    const strategy = (g: RenderedGraph, service: string) => named(g, service).inputs.capacityProviderStrategies;
    // The tier table moves paid and sprint workers from FARGATE_SPOT (1k, in the shared service) to FARGATE (10k).
    expect(strategy(small, "workers-shared-service")).not.toEqual(strategy(large, "workers-paid-service"));
    for (const g of [small, large]) {
      for (const svc of ofType(g, "aws:ecs/service:Service")) {
        // A fixed service name cannot be replaced create-before-delete, so the update must stay in place.
        expect(svc.inputs.name, svc.name).toBeTruthy();
        expect(svc.inputs.forceNewDeployment, svc.name).toBe(true);
      }
    }
  });
});

describe("shared ECS cluster and images", () => {
  it.each(stackTierMatrix())("$stack at $tier: one cluster, Container Insights per environment, ECR repos hardened", async ({ stack, tier }) => {
    const g = await rendered(stack, tier);
    const clusters = ofType(g, "aws:ecs/cluster:Cluster");
    expect(clusters).toHaveLength(1);
    expect(clusters[0].inputs.settings).toEqual([
      { name: "containerInsights", value: g.config.sizing.safety.containerInsights ? "enabled" : "disabled" },
    ]);
    expect(named(g, "ecs-capacity-providers").inputs.capacityProviders).toEqual(["FARGATE", "FARGATE_SPOT"]);
    const repos = ofType(g, "aws:ecr/repository:Repository").filter((r) => r.name.startsWith("ecs-"));
    expect(repos).toHaveLength(2);
    for (const r of repos) {
      expect(r.inputs).toMatchObject({ imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } });
      const lifecycle = json<{ rules: { selection: { countNumber: number } }[] }>(named(g, `${r.name}-lifecycle`).inputs.policy);
      expect(lifecycle.rules[0].selection.countNumber).toBe(SERVICES.ecrImagesKept);
    }
    const image = json<{ image: string }[]>(named(g, "gateway-api-task").inputs.containerDefinitions)[0].image;
    expect(image).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/inference-platform-${stack}-gateway:${g.config.images.appTag}`);
  });

  it("runs a configured external image and creates no repository for it", async () => {
    const g = await rendered("dev", "1k", { gatewayImage: "ghcr.io/acme/api:1.4.2" });
    expect(ofType(g, "aws:ecr/repository:Repository").map((r) => r.name)).not.toContain("ecs-gateway-repository");
    expect(json<{ image: string }[]>(named(g, "gateway-api-task").inputs.containerDefinitions)[0].image).toBe("ghcr.io/acme/api:1.4.2");
    const exec = statementsOf(g, "gateway-api-execution-policy");
    expect(exec.find((s) => s.Sid === "PullImage")).toBeUndefined();
  });
});
