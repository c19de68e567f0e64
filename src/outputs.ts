/**
 * What every stack output means: one typed description per output the program exports
 * (`buildPlatform`'s return value in src/platform.ts). The docs' outputs table is generated from this
 * record and from rendering every stack × tier (src/plan/outputs-table.ts), and test/outputs.test.ts
 * fails when the program exports an output this record does not describe, or this record describes
 * one that no render exports. Imports only the port numbers (sizing/constants.ts PORTS): it is
 * documentation the program can be checked against.
 */
import { PORTS, TRITON_TLS } from "../sizing";

/** The chapter (docs/<chapter>.md) that explains an output in full; `stack` outputs are the stack's identity and network, explained in the README ("Stack outputs"). */
export type OutputChapter = "data-layer" | "services" | "inference" | "observability" | "stack";

/** One stack output: what it holds and where the docs explain it. */
export interface StackOutputDoc {
  /** What the output holds, in one line (Markdown). */
  description: string;
  /** The chapter (docs/<chapter>.md) that explains the resource behind it. */
  chapter: OutputChapter;
}

/** Every stack output by name, in the order the outputs table lists them (grouped by chapter). */
export const STACK_OUTPUTS: Record<string, StackOutputDoc> = {
  environment: { description: "the environment profile the stack was built with (`dev` or `prod`)", chapter: "stack" },
  tier: { description: "the traffic tier the stack was sized for (`1k`, `10k`, `100k`)", chapter: "stack" },
  region: { description: "the stack's AWS region", chapter: "stack" },
  vpcId: { description: "the VPC's id", chapter: "stack" },
  privateSubnetIds: { description: "ids of the private subnets (tasks, nodes, data stores), one per AZ", chapter: "stack" },
  kmsKeyArn: { description: "ARN of the stack's KMS key (buckets, database, cache, queues, logs, secrets)", chapter: "stack" },

  apiUrl: { description: "the API's URL: `https://<domain>` with a certificate and a domain, `https://<ALB DNS name>` with a certificate alone, `http://<ALB DNS name>` without one (dev only)", chapter: "services" },
  loadBalancerDnsName: { description: "DNS name of the public ALB (target of the `domain`'s alias record)", chapter: "services" },
  certificateValidationRecords: {
    description: "DNS validation records of the requested ACM certificate, to add at your DNS provider when `domain` is set without `hostedZoneId` (empty otherwise)",
    chapter: "services",
  },
  ecsClusterName: { description: "the ECS cluster of the gateway and the workers", chapter: "services" },
  imageRepositories: { description: "`{ gateway, worker }` ECR repository URLs the stack's images are pushed to (only for images not set by `gatewayImage`/`workerImage`)", chapter: "services" },
  jobQueueUrls: { description: "`{ free, paid, sprint }` SQS job queue URLs", chapter: "services" },
  deadLetterQueueUrls: { description: "`{ free, paid, sprint }` dead-letter queue URLs (redrive source: its own queue only)", chapter: "services" },
  workerServiceNames: { description: "the Celery worker ECS service names by worker shape (per priority, or one shared service consuming all three queues at 1k)", chapter: "services" },

  clusterName: { description: "the EKS cluster's name (`aws eks update-kubeconfig --name …`)", chapter: "inference" },
  tritonGrpcUrl: {
    description: `Triton's gRPC endpoint inside the VPC over TLS (\`triton.<project>-<stack>.internal:${PORTS.tritonGrpc}\`, host:port as gRPC clients take it)`,
    chapter: "inference",
  },
  tritonGrpcCaPem: { description: "The private CA certificate (PEM) Triton's gRPC server certificate chains to; clients verify with it", chapter: "inference" },
  tritonCertificateExpiry: {
    description: `When Triton's gRPC server certificate expires (RFC 3339); \`pulumi up\` within ${TRITON_TLS.serverEarlyRenewalHours / 24} days of it renews it`,
    chapter: "inference",
  },
  tritonWakeQueueUrl: {
    description: "the wake queue the gateway signals when Triton has no ready endpoint (every tier; KEDA's trigger on it matters only where Triton is at zero replicas)",
    chapter: "inference",
  },

  modelsBucket: { description: "bucket name: the Triton model repository (under `modelRepositoryPrefix`)", chapter: "data-layer" },
  artifactsBucket: { description: "bucket name: job inputs and results", chapter: "data-layer" },
  datasetsBucket: { description: "bucket name: datasets", chapter: "data-layer" },
  bucketArns: { description: "`{ models, artifacts, datasets }` ARNs", chapter: "data-layer" },
  logsBucket: { description: "access-log bucket (prod only); the gateway's ALB logs under `alb/`", chapter: "data-layer" },
  databaseEndpoint: { description: "writer `host:port`", chapter: "data-layer" },
  databaseAddress: { description: "writer host", chapter: "data-layer" },
  databaseReaderEndpoint: { description: "first read replica's host, or the writer's when there is none", chapter: "data-layer" },
  databasePort: { description: `PostgreSQL port (${PORTS.postgres})`, chapter: "data-layer" },
  databaseName: { description: "database name (`platform`)", chapter: "data-layer" },
  databaseApplicationUser: { description: "PostgreSQL user of the gateway and workers (`app`, IAM authentication)", chapter: "data-layer" },
  databaseMasterSecretArn: { description: "secret with the master credentials (operators and bootstrap only)", chapter: "data-layer" },
  databaseInstanceIdentifiers: { description: "writer then replicas (CloudWatch `DBInstanceIdentifier`)", chapter: "data-layer" },
  cachePrimaryEndpoint: { description: "Valkey primary endpoint (TLS)", chapter: "data-layer" },
  cacheReaderEndpoint: { description: "Valkey reader endpoint (TLS)", chapter: "data-layer" },
  cachePort: { description: `Valkey port (${PORTS.redis})`, chapter: "data-layer" },
  cacheAuthSecretArn: { description: "secret with `authToken` and `url`", chapter: "data-layer" },
  cacheReplicationGroupId: { description: "replication group id (alarms)", chapter: "data-layer" },

  alertTopicArn: { description: "SNS topic every alarm and the budget notify (`alertEmail` subscribed)", chapter: "observability" },
  dashboardName: { description: "the CloudWatch dashboard (`<project>-<stack>-overview`)", chapter: "observability" },
};
