/**
 * Composition: builds one stack's platform from its settled config. Every component gets only the
 * values it needs (sizing from the tier table, ids from the components it depends on); none reads
 * stack config itself.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackContext, StackIdentity } from "../components/component";
import { Keys } from "../components/keys";
import { Network } from "../components/network";
import { Inference } from "../components/inference";
import { Storage } from "../components/storage";
import { Database } from "../components/database";
import { Cache } from "../components/cache";
import { FargateCluster, Gateway, JobQueues, type ServiceDependencies, Workers } from "../components/services";
import { Observability } from "../components/observability";
import type { PlatformConfig } from "./config";
import { WORKER_PROCESS_DB_CONNECTIONS } from "../sizing";

/** Tags every AWS resource of the stack carries (through the provider's default tags). */
export function stackTags(config: PlatformConfig): Record<string, string> {
  return {
    ...config.tags,
    project: config.project,
    stack: config.stack,
    environment: config.environment,
    // Cost allocation per tier, and the policy pack reads it (rds-multi-az: single-AZ only at 1k).
    tier: config.tier,
    "managed-by": "pulumi",
  };
}

/**
 * A config value the user set with `pulumi config set --secret` stays a secret in every resource that
 * carries it (Pulumi encrypts secret inputs in state and masks them in previews); plain values pass as is.
 */
export function secretIfMarked(config: Pick<PlatformConfig, "secretKeys">, key: string, value: string | undefined): pulumi.Input<string> | undefined {
  return value !== undefined && config.secretKeys.includes(key) ? pulumi.secret(value) : value;
}

/** Builds the platform and returns the stack outputs. */
export function buildPlatform(config: PlatformConfig): Record<string, pulumi.Input<unknown>> {
  const { sizing } = config;
  const provider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: stackTags(config) },
  });
  const opts = { providers: { aws: provider } };
  const identity: StackIdentity = { project: config.project, stack: config.stack, tags: {} };
  const account = aws.getCallerIdentityOutput({}, { provider });

  const keys = new Keys("keys", { identity, region: config.region, accountId: account.accountId }, opts);
  const context: StackContext = {
    identity,
    region: config.region,
    accountId: account.accountId,
    kmsKeyArn: keys.keyArn,
    logRetentionDays: sizing.observability.logRetentionDays,
  };

  const network = new Network(
    "network",
    {
      context,
      sizing: sizing.network,
      flowLogs: sizing.safety.flowLogs,
    },
    opts,
  );

  // Data layer. Modifications (a tier switch's instance class or node type) apply at once in every
  // environment. Deferred to the maintenance window, the provider reads back the old class until then
  // and every later `pulumi up` shows the same change again (hashicorp/terraform#1341); and a switch
  // is a deliberate operator action, run when its cost is acceptable: a Multi-AZ RDS class change
  // fails over (~1–2 min of reconnects), an ElastiCache node-type change is online scaling
  // (docs/runbooks.md, "Switching tier").
  const applyDataChangesImmediately = true;
  const storage = new Storage(
    "storage",
    {
      context,
      sizing: sizing.storage,
      safety: sizing.safety,
      corsAllowedOrigins: config.corsAllowedOrigins,
    },
    opts,
  );
  const database = new Database(
    "database",
    {
      context,
      sizing: sizing.database,
      safety: sizing.safety,
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.securityGroups.database.id,
      applyImmediately: applyDataChangesImmediately,
    },
    opts,
  );
  const cache = new Cache(
    "cache",
    {
      context,
      sizing: sizing.cache,
      safety: sizing.safety,
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.securityGroups.cache.id,
      applyImmediately: applyDataChangesImmediately,
    },
    opts,
  );

  // Job queues before inference: Triton's KEDA wake-up trigger may watch them.
  const queues = new JobQueues("queues", { context, sizing: sizing.workers }, opts);

  // GPU inference: EKS, GPU node groups, Triton behind an internal NLB.
  const inference = new Inference(
    "inference",
    {
      context,
      kubernetesVersion: config.kubernetesVersion,
      gpuType: config.gpuType,
      sizing,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      // The internal NLB lives in the private subnets; with ip targets it is the source Triton sees.
      tritonClientCidrs: network.privateSubnetCidrs,
      securityGroupIds: {
        gpuNodes: network.securityGroups.gpuNodes.id,
        tritonLoadBalancer: network.securityGroups.tritonLoadBalancer.id,
      },
      publicAccessCidrs: config.eks.publicAccessCidrs,
      adminRoleArn: config.eks.adminRoleArn,
      clusterAccess: config.eks.access,
      tritonImage: config.images.triton,
      modelBucketName: storage.bucketNames.models,
      modelRepositoryPrefix: config.modelRepositoryPrefix,
      modelReadStatements: storage.grant("read", "models", config.modelRepositoryPrefix),
      jobQueues: queues.tritonWakeSources,
    },
    opts,
  );

  // Services: one ECS cluster for the Celery workers and the API gateway.
  const ecs = new FargateCluster(
    "ecs",
    {
      context,
      containerInsights: sizing.safety.containerInsights,
      externalImages: { gateway: config.images.gateway, worker: config.images.worker },
      imageTag: config.images.appTag,
      awaitImages: config.images.awaitPush,
      forceDeleteRepositories: sizing.safety.forceDestroyBuckets,
    },
    opts,
  );
  // The same contract for both services; only the database pool differs: the gateway's one process
  // per task holds a pool, each Celery worker process one connection (sizing/data.ts).
  const serviceDependencies = (poolMax: number): ServiceDependencies => ({
    region: config.region,
    database: { ...database.connection, poolMax },
    cache: cache.connection,
    buckets: storage.bucketNames,
    triton: inference.tritonEndpoints,
  });
  const workers = new Workers(
    "workers",
    {
      context,
      sizing: sizing.workers,
      network: { privateSubnetIds: network.privateSubnetIds, securityGroupId: network.securityGroups.workers.id },
      cluster: ecs,
      image: ecs.images.worker,
      queues,
      dependencies: serviceDependencies(WORKER_PROCESS_DB_CONNECTIONS),
      taskPermissions: [
        database.grantConnect(database.applicationUser),
        storage.grant("readWrite", "artifacts"),
        storage.grant("read", "models"),
        storage.grant("read", "datasets"),
      ],
    },
    opts,
  );
  const gateway = new Gateway(
    "gateway",
    {
      context,
      sizing: sizing.gateway,
      safety: sizing.safety,
      network: {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        loadBalancerSecurityGroupId: network.securityGroups.loadBalancer.id,
        serviceSecurityGroupId: network.securityGroups.gateway.id,
      },
      cluster: ecs,
      image: ecs.images.gateway,
      tls: { certificateArn: config.certificateArn, domain: config.domain, hostedZoneId: config.hostedZoneId },
      accessLogsBucket: storage.logsBucketName,
      accessLogsPrefix: storage.albLogPrefix,
      dependencies: serviceDependencies(sizing.database.gatewayPoolMax),
      queueUrls: queues.urlsByPriority,
      taskPermissions: [queues.grantSend(), storage.grant("readWrite", "artifacts"), database.grantConnect(database.applicationUser), inference.grantWake()],
      tritonWakeQueueUrl: inference.wakeQueue.url,
    },
    opts,
  );

  // Last: it watches what the components above created (absent sections get no alarms).
  const observability = new Observability(
    "observability",
    {
      context,
      sizing: sizing.observability,
      budgetUsd: sizing.budgetUsd,
      alertEmail: secretIfMarked(config, "alertEmail", config.alertEmail),
      loadBalancer: gateway.observedLoadBalancer,
      services: [gateway.observedService, ...workers.observedServices],
      queues: queues.alarmQueues,
      database: database.observedInstances,
      cache: cache.observed,
      inference: inference.observed,
    },
    opts,
  );

  return {
    apiUrl: gateway.url,
    loadBalancerDnsName: gateway.loadBalancerDnsName,
    certificateValidationRecords: gateway.certificateValidationRecords,
    ecsClusterName: ecs.clusterName,
    imageRepositories: ecs.repositoryUrls,
    jobQueueUrls: queues.urlsByPriority,
    deadLetterQueueUrls: queues.dlqUrlsByPriority,
    workerServiceNames: workers.serviceNames,
    alertTopicArn: observability.topicArn,
    dashboardName: observability.dashboardName,
    environment: config.environment,
    tier: config.tier,
    region: config.region,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    kmsKeyArn: keys.keyArn,
    clusterName: inference.clusterName,
    tritonGrpcUrl: inference.tritonEndpoints.grpcUrl,
    tritonGrpcCaPem: inference.tritonEndpoints.caCertPem,
    tritonCertificateExpiry: inference.tritonEndpoints.certificateExpiry,
    // The queue the gateway signals to wake Triton (every tier: a switch never creates or deletes it).
    tritonWakeQueueUrl: inference.wakeQueue.url,
    modelsBucket: storage.bucketNames.models,
    artifactsBucket: storage.bucketNames.artifacts,
    datasetsBucket: storage.bucketNames.datasets,
    bucketArns: storage.bucketArns,
    ...(storage.logsBucketName ? { logsBucket: storage.logsBucketName } : {}),
    databaseEndpoint: database.endpoint,
    databaseAddress: database.address,
    databaseReaderEndpoint: database.readerEndpoint,
    databasePort: database.port,
    databaseName: database.databaseName,
    databaseApplicationUser: database.applicationUser,
    databaseMasterSecretArn: database.masterSecretArn,
    databaseInstanceIdentifiers: database.instanceIdentifiers,
    cachePrimaryEndpoint: cache.primaryEndpoint,
    cacheReaderEndpoint: cache.readerEndpoint,
    cachePort: cache.port,
    cacheAuthSecretArn: cache.authSecretArn,
    cacheReplicationGroupId: cache.replicationGroupId,
  };
}
