/**
 * What the gateway and the Celery workers share, written once (the CDK queue-processing-base idea):
 * one ECS cluster with the Fargate capacity providers, ECR repositories for the two images, and
 * {@link createFargateService}, which builds a service's log group, roles, task definition and service
 * with the same hardening everywhere (read-only root filesystem, non-root user, secrets by reference,
 * non-blocking JSON logs, ARM64).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE, DEFAULTS, DEPLOYMENT, SERVICES } from "../sizing";
import { PlatformComponent, physicalName, type StackIdentity, applyTransform, type Transform } from "./component";
import { policyDocument, type PolicyStatement, serviceTrustPolicy } from "./iam";

/** The images the stack builds and runs on Fargate. */
export const SERVICE_IMAGES = ["gateway", "worker"] as const;
export type ServiceImage = (typeof SERVICE_IMAGES)[number];

/**
 * Fargate ARM64 (Graviton) costs ~20 % less than x86 for the same vCPU and memory (aws-prices.md:
 * $0.03238 vs $0.04048 per vCPU-hour) and Fargate Spot runs ARM64 on platform 1.4.0+ (LATEST).
 * The price: images must be built for linux/arm64 (`docker buildx build --platform linux/arm64,linux/amd64`).
 */
export const FARGATE_RUNTIME_PLATFORM = { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" } as const;

export interface FargateClusterArgs {
  /** Stack identity for names and tags. */
  identity: StackIdentity;
  /** ECS Container Insights (per-task CPU/memory/network metrics, ~$0.30 per metric-month). */
  containerInsights: boolean;
  /** KMS key that encrypts the ECR repositories. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * Full image references to run instead of the stack's own ECR repositories; an image with a
   * reference here gets no repository.
   * @default `{}` (both images come from repositories this component creates)
   * @example `{ gateway: "ghcr.io/acme/api:1.4.2" }`
   */
  externalImages?: Partial<Record<ServiceImage, string>>;
  /**
   * Tag run from the stack's ECR repositories. Repositories are immutable, so a release pushes a new tag.
   * @default `"0.1.0"` (`DEFAULTS.imageTag`)
   */
  imageTag?: string;
  /**
   * The stack's own images are not pushed yet (first deploy): services running them are created with
   * no tasks and autoscaling pinned to 0, so nothing tries to pull an image that does not exist. The
   * next `pulumi up` without it restores each service's minimum, and Application Auto Scaling raises
   * the running count into the new range (RegisterScalableTarget). External images are not held.
   * @default `false`
   */
  awaitImages?: boolean;
  /**
   * Let `pulumi destroy` delete repositories that still hold images (dev).
   * @default `false`
   */
  forceDeleteRepositories?: boolean;
  /**
   * Adjust the cluster's arguments without forking this component.
   * @default - no transform
   * @example `{ cluster: (args) => ({ ...args, serviceConnectDefaults: { namespace: arn } }) }`
   */
  transform?: { cluster?: Transform<aws.ecs.ClusterArgs> };
}

/** Where a service's image comes from: the reference, and the ECR repository to grant pulls on (if any). */
export interface ImageSource {
  image: pulumi.Output<string>;
  repositoryArn?: pulumi.Output<string>;
  /** The image is not pushed yet: services that run it start no task (`FargateClusterArgs.awaitImages`). */
  awaitingPush?: boolean;
}

/**
 * The ECS cluster the gateway and the workers share, with FARGATE and FARGATE_SPOT associated, and
 * one ECR repository per image the stack builds (scan on push, immutable tags, KMS, lifecycle).
 *
 * ```ts
 * const ecs = new FargateCluster("ecs", { identity, containerInsights: true, kmsKeyArn: keys.keyArn });
 * new Gateway("gateway", { cluster: ecs, image: ecs.images.gateway, ... });
 * ```
 *
 * **Cost**: the cluster is free; Container Insights ~$0.30 per metric-month (prod); ECR $0.10 per
 * GB-month, bounded by the lifecycle rule (`SERVICES.ecrImagesKept` images per repository).
 */
export class FargateCluster extends PlatformComponent {
  public readonly cluster: aws.ecs.Cluster;
  public readonly clusterArn: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  /** ECR repositories the stack created (none for an image given as an external reference). */
  public readonly repositories: Partial<Record<ServiceImage, aws.ecr.Repository>>;
  /** Repository URLs, for `docker push` (exported as stack outputs). */
  public readonly repositoryUrls: Partial<Record<ServiceImage, pulumi.Output<string>>>;
  /** The image each service runs. */
  public readonly images: Record<ServiceImage, ImageSource>;
  /** The capacity-provider association; services depend on it. */
  public readonly capacityProviders: aws.ecs.ClusterCapacityProviders;

  constructor(name: string, args: FargateClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("services", "FargateCluster", name, opts);
    const externalImages = args.externalImages ?? {};
    const imageTag = args.imageTag ?? DEFAULTS.imageTag;
    const forceDeleteRepositories = args.forceDeleteRepositories ?? false;
    const tags = args.identity.tags;
    const parent = this;

    this.cluster = createCluster();
    this.clusterArn = this.cluster.arn;
    this.clusterName = this.cluster.name;
    this.capacityProviders = associateFargateCapacityProviders();
    this.repositories = {};
    this.repositoryUrls = {};
    this.images = {} as Record<ServiceImage, ImageSource>;
    for (const image of SERVICE_IMAGES) {
      const external = externalImages[image];
      if (external) {
        const repositoryArn = ecrRepositoryArnOf(external);
        this.images[image] = { image: pulumi.output(external), repositoryArn: repositoryArn ? pulumi.output(repositoryArn) : undefined };
        continue;
      }
      const repository = createRepository(image);
      this.repositories[image] = repository;
      this.repositoryUrls[image] = repository.repositoryUrl;
      this.images[image] = {
        image: pulumi.interpolate`${repository.repositoryUrl}:${imageTag}`,
        repositoryArn: repository.arn,
        awaitingPush: args.awaitImages ?? false,
      };
    }

    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      repositoryUrls: this.repositoryUrls,
    });

    function createCluster(): aws.ecs.Cluster {
      const clusterArgs: aws.ecs.ClusterArgs = {
        name: physicalName(args.identity, "services", 255),
        settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }],
        tags,
      };
      return new aws.ecs.Cluster(parent.childName("cluster"), applyTransform(args.transform?.cluster, clusterArgs), {
        parent,
      });
    }

    function associateFargateCapacityProviders(): aws.ecs.ClusterCapacityProviders {
      return new aws.ecs.ClusterCapacityProviders(
        parent.childName("capacity-providers"),
        {
          clusterName: parent.cluster.name,
          capacityProviders: ["FARGATE", "FARGATE_SPOT"],
          defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
        },
        { parent },
      );
    }

    function createRepository(image: ServiceImage): aws.ecr.Repository {
      const repository = new aws.ecr.Repository(
        parent.childName(`${image}-repository`),
        {
          name: physicalName(args.identity, image, 256),
          // Immutable tags: a deployed tag always means the same bytes, so a rollback is exact.
          imageTagMutability: "IMMUTABLE",
          imageScanningConfiguration: { scanOnPush: true },
          encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
          forceDelete: forceDeleteRepositories,
          tags,
        },
        { parent },
      );
      new aws.ecr.LifecyclePolicy(
        parent.childName(`${image}-repository-lifecycle`),
        {
          repository: repository.name,
          policy: JSON.stringify({
            rules: [
              {
                rulePriority: 1,
                description: `Keep the ${SERVICES.ecrImagesKept} most recent images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: SERVICES.ecrImagesKept },
                action: { type: "expire" },
              },
            ],
          }),
        },
        { parent },
      );
      return repository;
    }
  }
}

/** The ARN of the ECR repository an image reference points into, or undefined for other registries. */
export function ecrRepositoryArnOf(image: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
  return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// One Fargate service, hardened the same way for every caller.
// ---------------------------------------------------------------------------------------------

/** A secret injected into the container: ECS resolves it at start from Secrets Manager. */
export interface InjectedSecret {
  /** Environment variable name inside the container. */
  name: string;
  /** ARN of the Secrets Manager secret (the execution role may read exactly these). */
  secretArn: pulumi.Input<string>;
  /** Key of a JSON secret to inject (e.g. `password` of an RDS-managed secret); the whole value when unset. */
  jsonKey?: string;
}

/** What the gateway and the workers both connect to; becomes environment variables and secrets. */
export interface ServiceDependencies {
  region: string;
  /**
   * PostgreSQL, reached with IAM database authentication: no password is injected. The contract the
   * application honours (README, "Database authentication"): for each new connection it uses a token
   * from boto3 `rds.generate_db_auth_token(DBHostname=<this connection's host: DATABASE_HOST or
   * DATABASE_READER_HOST>, Port=DATABASE_PORT, DBUsername=DATABASE_USER, Region=AWS_REGION)` as the
   * password (the token is a SigV4-presigned request for that host: one token per host) (tokens live 15 minutes; a cached
   * token may be reused within ~10 minutes, and AWS does not throttle connections that reuse a token),
   * with `sslmode=verify-full` and `sslrootcert=DATABASE_SSLROOTCERT`. Established sessions outlive
   * their token, so pools need no short recycle.
   */
  database: {
    host: pulumi.Input<string>;
    readerHost: pulumi.Input<string>;
    port: pulumi.Input<number>;
    name: pulumi.Input<string>;
    /** The PostgreSQL user with `rds_iam` the task role may `rds-db:connect` as. */
    user: pulumi.Input<string>;
  };
  cache: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** Secret holding the Redis AUTH token. */
    authTokenSecretArn: pulumi.Input<string>;
    /** Key of the token when the secret is JSON; the whole secret string when unset. */
    authTokenJsonKey?: string;
  };
  /** Bucket names by role (`models`, `artifacts`, `datasets`); each becomes `<ROLE>_BUCKET`. */
  buckets: Record<string, pulumi.Input<string>>;
  triton: { httpUrl: pulumi.Input<string>; grpcUrl: pulumi.Input<string> };
}

/** Environment and secrets every service container gets from its dependencies. */
export function dependencyEnvironment(deps: ServiceDependencies): {
  environment: Record<string, pulumi.Input<string>>;
  secrets: InjectedSecret[];
} {
  const environment: Record<string, pulumi.Input<string>> = {
    AWS_REGION: deps.region,
    DATABASE_HOST: deps.database.host,
    DATABASE_READER_HOST: deps.database.readerHost,
    DATABASE_PORT: pulumi.output(deps.database.port).apply(String),
    DATABASE_NAME: deps.database.name,
    DATABASE_USER: deps.database.user,
    // IAM database authentication: the password of each connection is a token the app generates.
    DATABASE_IAM_AUTH: "true",
    // A token is a bearer credential for 15 minutes: verify the server before sending it.
    DATABASE_SSLMODE: "verify-full",
    DATABASE_SSLROOTCERT: DATABASE.caBundlePath,
    REDIS_HOST: deps.cache.host,
    REDIS_PORT: pulumi.output(deps.cache.port).apply(String),
    REDIS_TLS: "true",
    TRITON_HTTP_URL: deps.triton.httpUrl,
    TRITON_GRPC_URL: deps.triton.grpcUrl,
  };
  for (const [role, bucket] of Object.entries(deps.buckets)) environment[`${role.toUpperCase()}_BUCKET`] = bucket;
  // No database secret: ECS resolves secrets once at task start, and a rotated password would break
  // every running task's next connection.
  const secrets: InjectedSecret[] = [
    { name: "REDIS_AUTH_TOKEN", secretArn: deps.cache.authTokenSecretArn, jsonKey: deps.cache.authTokenJsonKey },
  ];
  return { environment, secrets };
}

/** `valueFrom` of an ECS secret: the ARN, or `<arn>:<json-key>::` for one key of a JSON secret. */
export function secretValueFrom(secretArn: string, jsonKey?: string): string {
  return jsonKey ? `${secretArn}:${jsonKey}::` : secretArn;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  port?: number;
  environment: Record<string, string>;
  secrets: { name: string; valueFrom: string }[];
  logGroupName: string;
  region: string;
  /** An HTTP path probed inside the container (Docker health check). */
  healthCheckPath?: string;
}

/**
 * The container definition every service uses: read-only root filesystem with a writable scratch
 * volume, a non-root user, all Linux capabilities dropped, secrets by reference only, and awslogs in
 * non-blocking mode (a CloudWatch hiccup must not freeze the API; logs are JSON lines from the app).
 */
export function containerDefinition(spec: ContainerSpec): Record<string, unknown> {
  const hc = SERVICES.containerHealthCheck;
  return {
    name: spec.name,
    image: spec.image,
    essential: true,
    ...(spec.command ? { command: spec.command } : {}),
    user: SERVICES.containerUser,
    readonlyRootFilesystem: true,
    privileged: false,
    linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
    mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: SERVICES.scratchPath, readOnly: false }],
    portMappings: spec.port ? [{ containerPort: spec.port, protocol: "tcp", name: "http" }] : [],
    environment: Object.entries(spec.environment)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    secrets: spec.secrets,
    stopTimeout: SERVICES.stopTimeoutSeconds,
    ...(spec.healthCheckPath && spec.port
      ? {
          healthCheck: {
            // The Python image has no curl; its standard library can probe the endpoint.
            command: [
              "CMD-SHELL",
              `python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${spec.port}${spec.healthCheckPath}', timeout=${hc.timeoutSeconds - 1})" || exit 1`,
            ],
            interval: hc.intervalSeconds,
            timeout: hc.timeoutSeconds,
            retries: hc.retries,
            startPeriod: hc.startPeriodSeconds,
          },
        }
      : {}),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": spec.logGroupName,
        "awslogs-region": spec.region,
        "awslogs-stream-prefix": spec.name,
        mode: "non-blocking",
        "max-buffer-size": SERVICES.logBufferSize,
      },
    },
  };
}

const SCRATCH_VOLUME = "scratch";

export interface FargateServiceArgs {
  /** Stack identity for names and tags. */
  identity: StackIdentity;
  /** AWS region (the awslogs driver's region). */
  region: string;
  /** Account id: both roles trust ECS only on behalf of this account. */
  accountId: pulumi.Input<string>;
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
  /** KMS key of the log group and of the injected secrets. */
  kmsKeyArn: pulumi.Input<string>;
  /** Retention of the service's log group (days). */
  logRetentionDays: number;
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
  args: Pick<FargateServiceArgs, "identity" | "role" | "logRetentionDays" | "kmsKeyArn">,
  parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${prefix}-logs`,
    {
      name: `/${args.identity.project}/${args.identity.stack}/ecs/${args.role}`,
      retentionInDays: args.logRetentionDays,
      kmsKeyId: args.kmsKeyArn,
      tags: args.identity.tags,
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
  const tags = args.identity.tags;
  const child = (what: string) => `${prefix}-${what}`;

  const logGroup = args.logGroup ?? createServiceLogGroup(prefix, args, parent);

  // Two roles per service: the execution role is ECS's (pull, logs, injected secrets), the task role
  // the application's. Each is an ECS-tasks role with one inline policy.
  const ecsTaskRole = (role: string, statements: pulumi.Input<PolicyStatement[]>): aws.iam.Role => {
    const created = new aws.iam.Role(
      child(`${role}-role`),
      { assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", args.accountId), tags },
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
          region: args.region,
          healthCheckPath: args.healthCheckPath,
        }),
      ]),
    );

  const taskDefinition = new aws.ecs.TaskDefinition(
    child("task"),
    {
      family: physicalName(args.identity, args.role, 255),
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

  const service = new aws.ecs.Service(
    child("service"),
    {
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
    },
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
      statements.push({ Sid: "DecryptInjectedSecrets", Action: "kms:Decrypt", Resource: args.kmsKeyArn });
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
