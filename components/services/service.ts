/**
 * Owns the shared Fargate service base (CDK `aws-ecs-patterns` QueueProcessingServiceBase's idea:
 * shared wiring once, thin variants on top): a service's log group, its two roles, task definition and
 * ECS service, hardened the same way for every caller, and the Application Auto Scaling target of its
 * task count. The gateway and the workers are the thin variants (gateway.ts, workers.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEPLOYMENT, NAME_LIMITS } from "../../sizing";
import { physicalName, type StackContext } from "../component";
import { policyDocument, type PolicyStatement, serviceTrustPolicy } from "../iam";
import type { FargateCluster, ImageSource } from "./cluster";
import { containerDefinition, type InjectedSecret, SCRATCH_VOLUME, secretValueFrom } from "./container";

/**
 * Fargate ARM64 (Graviton) costs ~20 % less than x86 for the same vCPU and memory (../shared/reference/aws-prices.md, outside this repository:
 * $0.03238 vs $0.04048 per vCPU-hour) and Fargate Spot runs ARM64 on platform 1.4.0+ (LATEST).
 * The price: images must be built for linux/arm64 (`docker buildx build --platform linux/arm64,linux/amd64`).
 */
export const FARGATE_RUNTIME_PLATFORM = { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" } as const;

export interface FargateServiceArgs {
  /** The stack: identity (names, tags), region, account, KMS key and log retention. */
  context: StackContext;
  /** Role of the service in names (`gateway`, `worker-free`): ECS service name, container name, log group. */
  role: string;
  /** The shared cluster; the service waits for its capacity-provider association. */
  cluster: FargateCluster;
  /** The image to run (and its ECR repository, which the execution role may pull from). */
  image: ImageSource;
  /** Task CPU units (256 = 0.25 vCPU), from the tier table. */
  cpu: number;
  /** Task memory (MiB); a valid Fargate pairing with `cpu` (config validation checks it). */
  memoryMiB: number;
  /** Tasks at creation; autoscaling owns the count afterwards (`ignoreChanges`). */
  desiredCount: number;
  /** Run on FARGATE_SPOT instead of FARGATE. */
  spot: boolean;
  /** Private subnets of the tasks (no public IP). */
  subnetIds: pulumi.Input<string[]>;
  /** Security groups of the tasks. */
  securityGroupIds: pulumi.Input<string>[];
  /**
   * A log group the caller owns (it outlives this service: the workers keep every shape's log group so
   * a tier switch that changes their shape deletes no logs).
   * @default - A log group `/<project>/<stack>/ecs/<role>` is created with the service.
   */
  logGroup?: aws.cloudwatch.LogGroup;
  /**
   * Container command.
   * @default - the image's own `CMD`
   */
  command?: pulumi.Input<string>[];
  /**
   * Container port, published as the `http` port mapping.
   * @default - no port (a worker)
   */
  port?: number;
  /**
   * HTTP path the container health check probes on `port`.
   * @default - no container health check
   */
  healthCheckPath?: string;
  /** Plain environment variables (never credentials: those go in `secrets`). */
  environment: Record<string, pulumi.Input<string>>;
  /** Secrets injected at start; the execution role may read exactly these. */
  secrets: InjectedSecret[];
  /** What the application itself may do (the task role); nothing else is granted. */
  taskPermissions: pulumi.Input<PolicyStatement[]>[];
  /**
   * Target groups the service registers into.
   * @default - no load balancer
   */
  loadBalancers?: aws.types.input.ecs.ServiceLoadBalancer[];
  /**
   * Seconds the load balancer's health checks are ignored after a task starts (only with `loadBalancers`).
   * @default - none
   */
  healthCheckGraceSeconds?: number;
  /**
   * Resources the service must wait for besides the capacity providers (e.g. the listener of its target group).
   * @default `[]`
   */
  dependsOn?: pulumi.Resource[];
  /**
   * Adjusts the ECS service's arguments (the variant binds the user's `transform.service` and its context).
   * @default - no transform
   */
  transformService?: (args: aws.ecs.ServiceArgs) => aws.ecs.ServiceArgs;
}

export interface FargateServiceParts {
  logGroup: aws.cloudwatch.LogGroup;
  executionRole: aws.iam.Role;
  taskRole: aws.iam.Role;
  taskDefinition: aws.ecs.TaskDefinition;
  service: aws.ecs.Service;
}

/** The log group of one Fargate service, `/<project>/<stack>/ecs/<role>`, encrypted with the stack key. */
export function createServiceLogGroup(
  prefix: string,
  args: Pick<FargateServiceArgs, "context" | "role">,
  parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${prefix}-logs`,
    {
      name: `/${args.context.identity.project}/${args.context.identity.stack}/ecs/${args.role}`,
      retentionInDays: args.context.logRetentionDays,
      kmsKeyId: args.context.kmsKeyArn,
      tags: args.context.identity.tags,
    },
    { parent },
  );
}

/**
 * Builds one Fargate service under `parent`, children named `${prefix}-<role>-...`. Two roles keep
 * duties apart (CKV_AWS_249): the execution role pulls the image, writes logs and reads
 * exactly the secrets it injects; the task role is what the application may do.
 */
export function createFargateService(prefix: string, args: FargateServiceArgs, parent: pulumi.Resource): FargateServiceParts {
  const tags = args.context.identity.tags;
  const child = (what: string) => `${prefix}-${what}`;

  const logGroup = args.logGroup ?? createServiceLogGroup(prefix, args, parent);

  // Two roles per service: the execution role is ECS's (pull, logs, injected secrets), the task role
  // the application's. Each is an ECS-tasks role with one inline policy.
  const ecsTaskRole = (role: string, statements: pulumi.Input<PolicyStatement[]>): aws.iam.Role => {
    const created = new aws.iam.Role(
      child(`${role}-role`),
      { assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", args.context.accountId), tags },
      { parent },
    );
    new aws.iam.RolePolicy(child(`${role}-policy`), { role: created.id, policy: policyDocument(statements) }, { parent });
    return created;
  };
  const executionRole = ecsTaskRole("execution", executionStatements());
  const taskRole = ecsTaskRole("task", pulumi.all(args.taskPermissions).apply((lists) => lists.flat()));

  const environment = pulumi.all(args.environment);
  const secrets = pulumi.all(
    args.secrets.map((s) =>
      pulumi.output(s.secretArn).apply((arn) => ({ name: s.name, valueFrom: secretValueFrom(arn, s.jsonKey) })),
    ),
  );
  const containerDefinitions = pulumi
    .all([args.image.image, environment, secrets, logGroup.name, pulumi.output(args.command)])
    .apply(([image, env, secretRefs, logGroupName, command]) =>
      JSON.stringify([
        containerDefinition({
          name: args.role,
          image,
          command,
          port: args.port,
          environment: env,
          secrets: secretRefs,
          logGroupName,
          region: args.context.region,
          healthCheckPath: args.healthCheckPath,
        }),
      ]),
    );

  const taskDefinition = new aws.ecs.TaskDefinition(
    child("task"),
    {
      family: physicalName(args.context.identity, args.role, NAME_LIMITS.taskFamily),
      cpu: String(args.cpu),
      memory: String(args.memoryMiB),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: FARGATE_RUNTIME_PLATFORM,
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      // A bind-mount volume on Fargate's ephemeral storage: the only writable path.
      volumes: [{ name: SCRATCH_VOLUME }],
      containerDefinitions,
      tags,
    },
    { parent },
  );

  const serviceArgs: aws.ecs.ServiceArgs = {
    name: args.role,
    cluster: args.cluster.clusterArn,
    taskDefinition: taskDefinition.arn,
    // No task may try to pull an image that is not pushed yet (first deploy).
    desiredCount: args.image.awaitingPush ? 0 : args.desiredCount,
    capacityProviderStrategies: [{ capacityProvider: args.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
    // The tier table flips `spot` (paid/sprint workers go from FARGATE_SPOT at 1k to FARGATE at 10k).
    // The AWS provider only updates a capacity provider strategy in place together with a forced
    // deployment; without it the service is replaced, and a replacement under the same fixed `name`
    // fails ("Creation of service was not idempotent"). Any other service update redeploys too, which
    // every update (a new task definition) does anyway.
    forceNewDeployment: true,
    platformVersion: "LATEST",
    networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
    deploymentCircuitBreaker: { enable: true, rollback: true },
    deploymentMinimumHealthyPercent: DEPLOYMENT.minimumHealthyPercent,
    deploymentMaximumPercent: DEPLOYMENT.maximumPercent,
    // ECS Exec would need ssmmessages:* on "*" in the task role; debug with logs instead.
    enableExecuteCommand: false,
    enableEcsManagedTags: true,
    propagateTags: "SERVICE",
    loadBalancers: args.loadBalancers,
    healthCheckGracePeriodSeconds: args.loadBalancers ? args.healthCheckGraceSeconds : undefined,
    tags,
  };
  const service = new aws.ecs.Service(
    child("service"),
    args.transformService ? args.transformService(serviceArgs) : serviceArgs,
    {
      parent,
      dependsOn: [args.cluster.capacityProviders, ...(args.dependsOn ?? [])],
      // Autoscaling owns the task count after creation; re-applying the minimum on every `up` would
      // undo a scale-out in the middle of a traffic peak.
      ignoreChanges: ["desiredCount"],
    },
  );

  if (args.image.awaitingPush) SERVICES_AWAITING_IMAGES.add(service);
  return { logGroup, executionRole, taskRole, taskDefinition, service };

  function executionStatements(): pulumi.Input<PolicyStatement[]> {
    const secretArns = [...new Set(args.secrets.map((s) => s.secretArn))];
    const statements: pulumi.Input<PolicyStatement>[] = [
      // No resource-level permission exists for the registry login token.
      { Sid: "EcrLogin", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "WriteLogs",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logGroup.arn}:log-stream:*`,
      },
    ];
    if (args.image.repositoryArn) {
      statements.push({
        Sid: "PullImage",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        Resource: args.image.repositoryArn,
      });
    }
    if (secretArns.length > 0) {
      statements.push({ Sid: "ReadInjectedSecrets", Action: "secretsmanager:GetSecretValue", Resource: secretArns });
      statements.push({ Sid: "DecryptInjectedSecrets", Action: "kms:Decrypt", Resource: args.context.kmsKeyArn });
    }
    return pulumi.all(statements.map((s) => pulumi.output(s))) as pulumi.Output<PolicyStatement[]>;
  }
}

/** Services built by {@link createFargateService} whose image is not pushed yet. */
const SERVICES_AWAITING_IMAGES = new WeakSet<aws.ecs.Service>();

/**
 * Application Auto Scaling target for a service's task count. A service whose image is not pushed
 * yet gets 0–0, so no scaling policy starts a task that cannot pull.
 */
export function createServiceScalableTarget(
  name: string,
  args: { cluster: FargateCluster; service: aws.ecs.Service; minTasks: number; maxTasks: number },
  parent: pulumi.Resource,
): aws.appautoscaling.Target {
  return new aws.appautoscaling.Target(
    name,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${args.cluster.clusterName}/${args.service.name}`,
      minCapacity: SERVICES_AWAITING_IMAGES.has(args.service) ? 0 : args.minTasks,
      maxCapacity: SERVICES_AWAITING_IMAGES.has(args.service) ? 0 : args.maxTasks,
    },
    { parent },
  );
}
