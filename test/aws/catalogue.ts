/**
 * Workload call catalogues: for every IAM role in the graph, the AWS API calls its workload really
 * makes, each with the IAM action AWS authorises it as, the resource ARN AWS evaluates, the request
 * context AWS adds (condition keys), and the upstream source the call was read from. The requests
 * are built from what the workloads are configured with (workloads.ts), never from the policies;
 * catalogues.test.ts simulates every one of them against the rendered identity policies and the
 * resource policies (KMS key policy, bucket policies) and expects Allowed.
 *
 * A call made "on the caller's behalf" (S3, SQS, Secrets Manager asking KMS) is catalogued as its own
 * request with `kms:ViaService` and the encryption context AWS documents, because AWS authorises it
 * against the caller's policies too.
 */
import { PRIORITIES } from "../../sizing";
import type { EcsWorkload, WorkloadFacts } from "./workloads";

export interface CatalogueCall {
  /** The API call as the workload makes it, e.g. `S3 HeadBucket`. */
  api: string;
  /** IAM action AWS authorises the call as. */
  action: string;
  /**
   * The resource ARN AWS evaluates the request against (`*` when the action has no resource type);
   * a list when the workload makes the call once per resource (e.g. each `secrets` entry).
   */
  resource: (f: WorkloadFacts) => string | string[];
  /** Request context AWS adds (condition keys), per resource; `aws:SecureTransport` is always true. */
  context?: (f: WorkloadFacts, resource: string) => Record<string, string>;
  /** When the workload makes it. */
  when: string;
  /** Where this comes from: repository + path, or documentation URL. */
  source: string;
}

export interface WorkloadCatalogue {
  /** Logical name of the IAM role the workload runs as. */
  role: string;
  /** What runs as that role. */
  workload: string;
  /**
   * Who assumes the role: an AWS service principal (sts:AssumeRole, with the aws:SourceAccount the
   * service sends), or `irsa` (sts:AssumeRoleWithWebIdentity from the service account annotated with it).
   */
  assumedBy: string;
  calls: CatalogueCall[];
  /** Calls the upstream policy allows that this workload does not make, with why (so nobody "fixes" them back in). */
  notMade?: { api: string; why: string }[];
  /** Set when the role exists only with some setting; otherwise the role must exist on every stack × tier. */
  onlyWhere?: string;
}

const SRC = {
  tritonS3: "triton-inference-server/core src/filesystem/implementations/s3.h (S3FileSystem::CheckClient, IsDirectory, FileExists, GetDirectoryContents, LocalizePath)",
  headBucket: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html (Permissions: s3:ListBucket)",
  headObject: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (Permissions: s3:GetObject; 404 rather than 403 only with s3:ListBucket)",
  s3Kms: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html and bucket-key.html (with S3 Bucket Keys the encryption context is the bucket ARN)",
  s3Mpu: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions (multipart upload with SSE-KMS needs kms:GenerateDataKey and kms:Decrypt)",
  kombu: "celery/kombu v5.6.2 kombu/transport/SQS.py (predefined_queues: _update_queue_cache returns before ListQueues, _create_queue returns None; _put send_message / change_message_visibility, _receive_message, basic_ack delete_message, _size get_queue_attributes)",
  sqsKms: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html (producers: kms:GenerateDataKey + kms:Decrypt; consumers: kms:Decrypt; context aws:sqs:arn)",
  ecsExec: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html (ECR pull, awslogs, secrets)",
  ecsSecrets: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html (execution role: secretsmanager:GetSecretValue, kms:Decrypt for a customer managed key)",
  smKms: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html (Decrypt via secretsmanager.<region>.amazonaws.com, encryption context SecretARN)",
  logsArns: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html (log-stream ARN arn:aws:logs:<r>:<a>:log-group:<g>:log-stream:<s>; DescribeLogStreams is refused on `...:log-group:<g>:log-stream:`, fluent/fluent-bit-docs#913)",
  kedaSqs: "kedacore/keda v2.18 pkg/scalers/aws_sqs_queue_scaler.go (GetQueueAttributes ApproximateNumberOfMessages[NotVisible])",
  kedaCw: "kedacore/keda v2.18 pkg/scalers/aws_cloudwatch_scaler.go (GetMetricData; expression form)",
  cas: "kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md (IAM Policy: autoscaling/ec2 Describe*, eks:DescribeNodegroup, SetDesiredCapacity/TerminateInstanceInAutoScalingGroup limited by the cluster's ASG tag)",
  lbc: "kubernetes-sigs/aws-load-balancer-controller v2.14.1 docs/install/iam_policy.json and pkg/deploy/elbv2 (listener_manager.go, listener_attributes_reconciler.go, tagging_manager.go)",
  lbcTags: "kubernetes-sigs/aws-load-balancer-controller v2.14.1 pkg/deploy/tracking/provider.go (StackTags: elbv2.k8s.aws/cluster=<cluster> on LBs, target groups, listeners and rules; feature gate ListenerRulesTagging default on)",
  emf: "open-telemetry/opentelemetry-collector-contrib internal/aws/cwlogs (PutLogEvents; CreateLogStream on ResourceNotFoundException)",
  flowLogs: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html (CreateLogStream, PutLogEvents, DescribeLogStreams, DescribeLogGroups; CreateLogGroup only when the group is missing)",
  rdsMonitoring: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html (AmazonRDSEnhancedMonitoringRole writes to the RDSOSMetrics log group)",
  cni: "https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html and aws/amazon-vpc-cni-k8s (ENI management with AmazonEKS_CNI_Policy on the node role)",
  nodeEcr: "https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html (kubelet/containerd pull add-on images from the EKS ECR registry)",
  eksCluster: "https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html (AmazonEKSClusterPolicy: cross-account ENIs in the cluster subnets)",
  celeryMulti: "celery/kombu v5.6.2 kombu/transport/SQS.py (one channel polls every queue of -Q; a retry re-publishes to the task's own queue; CELERY_TASK_DEFAULT_QUEUE for tasks the worker sends)",
  wake: "README.md Scale to zero and cold start (TRITON_WAKE_QUEUE_URL, gateway may only sqs:SendMessage; KEDA watches the wake queue like the job queues)",
  externalDnsZones: "kubernetes-sigs/external-dns v0.21.0 provider/aws/aws.go (zones(): ListHostedZones paginator filtered by zone type and domainFilters, ListTagsForResources only with a zone tag filter; records(): ListResourceRecordSets per zone)",
  externalDnsChanges: "kubernetes-sigs/external-dns v0.21.0 provider/aws/aws.go (ApplyChanges/submitChanges: one ChangeResourceRecordSets batch per zone, CREATE, UPSERT for updates, DELETE; policy sync deletes owned records)",
  externalDnsTxt: "kubernetes-sigs/external-dns v0.21.0 registry/mapper/mapper.go ToTXTName and docs/registry/txt.md (v0.18+: one TXT per record, named `<type>-<name>`)",
  externalDnsIam: "kubernetes-sigs/external-dns docs/tutorials/aws.md (IAM Policy: ChangeResourceRecordSets, ListResourceRecordSets, ListTagsForResources on hostedzone/*; ListHostedZones on *)",
  r53Conditions: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-conditions-route53.html (ChangeResourceRecordSets: NormalizedRecordNames lower-case without the trailing dot, RecordTypes, Actions)",
} as const;

/** KMS on behalf of SQS for the queue `q` names; no request where `q` gives none (a queue the stack does not have). */
const sqsKms = (q: (f: WorkloadFacts) => { arn: string; keyArn: string } | undefined, action: "kms:Decrypt" | "kms:GenerateDataKey", when: string, queue?: string): CatalogueCall => ({
  api: `KMS ${action.slice(4)} (by SQS${queue ? `, ${queue}` : ""})`,
  action,
  resource: (f) => q(f)?.keyArn ?? [],
  context: (f) => ({ "kms:ViaService": `sqs.${f.region}.amazonaws.com`, "kms:EncryptionContext:aws:sqs:arn": q(f)!.arn, "kms:CallerAccount": f.account }),
  when,
  source: SRC.sqsKms,
});

const s3Kms = (b: (f: WorkloadFacts) => { arn: string; keyArn: string }, action: "kms:Decrypt" | "kms:GenerateDataKey", when: string): CatalogueCall => ({
  api: `KMS ${action.slice(4)} (by S3, bucket key)`,
  action,
  resource: (f) => b(f).keyArn,
  context: (f) => ({ "kms:ViaService": `s3.${f.region}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": b(f).arn, "kms:CallerAccount": f.account }),
  when,
  source: SRC.s3Kms,
});

const stream = (group: string, name: string) => `${group}:log-stream:${name}`;

/** The ECS agent (Fargate platform 1.4) with the execution role: pull, log, inject secrets. */
function executionCalls(w: (f: WorkloadFacts) => EcsWorkload): CatalogueCall[] {
  return [
    // No KMS call by this role for the KMS-encrypted repository: ECR decrypts layers through the grant
    // it created on the key at repository creation
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html).
    { api: "ECR GetAuthorizationToken", action: "ecr:GetAuthorizationToken", resource: () => "*", when: "task start", source: SRC.ecsExec },
    { api: "ECR BatchGetImage", action: "ecr:BatchGetImage", resource: (f) => w(f).repositoryArn, when: "task start (manifest)", source: SRC.ecsExec },
    { api: "ECR GetDownloadUrlForLayer", action: "ecr:GetDownloadUrlForLayer", resource: (f) => w(f).repositoryArn, when: "task start (layers)", source: SRC.ecsExec },
    { api: "CloudWatch Logs CreateLogStream", action: "logs:CreateLogStream", resource: (f) => stream(w(f).logGroupArn, w(f).logStream), when: "container start (awslogs)", source: SRC.logsArns },
    { api: "CloudWatch Logs PutLogEvents", action: "logs:PutLogEvents", resource: (f) => stream(w(f).logGroupArn, w(f).logStream), when: "while the container logs (awslogs)", source: SRC.logsArns },
    {
      api: "Secrets Manager GetSecretValue (each `secrets` entry)",
      action: "secretsmanager:GetSecretValue",
      resource: (f) => w(f).secrets.map((x) => x.arn),
      when: "task start (container `secrets`)",
      source: SRC.ecsSecrets,
    },
    {
      api: "KMS Decrypt (by Secrets Manager, each `secrets` entry)",
      action: "kms:Decrypt",
      // One request per secret: the key is the secret's own, the context names the secret.
      resource: (f) => w(f).secrets.map((x) => `${x.keyArn}#${x.arn}`),
      context: (f, keyAndSecret) => ({
        "kms:ViaService": `secretsmanager.${f.region}.amazonaws.com`,
        "kms:EncryptionContext:SecretARN": keyAndSecret.split("#")[1],
        "kms:CallerAccount": f.account,
      }),
      when: "task start (container `secrets`)",
      source: SRC.smKms,
    },
  ];
}

/**
 * A Celery worker service through kombu's SQS transport with predefined_queues: its own priority's
 * queue, or (shared worker) every queue of its `-Q`.
 */
function workerCalls(w: WorkloadFacts["workers"][number]): CatalogueCall[] {
  const defaultQueue = (f: WorkloadFacts) => {
    const q = Object.values(f.queues).find((x) => x.arn === w.defaultQueueArn);
    if (!q) throw new Error(`${w.rolePrefix}: default queue ${w.defaultQueueArn} is no job queue`);
    return q;
  };
  return [
    ...w.priorities.flatMap((p): CatalogueCall[] => {
      const q = (f: WorkloadFacts) => f.queues[p];
      return [
        { api: `SQS ReceiveMessage (${p})`, action: "sqs:ReceiveMessage", resource: (f) => q(f).arn, when: "consume loop (long poll)", source: w.priorities.length > 1 ? `${SRC.kombu}; ${SRC.celeryMulti}` : SRC.kombu },
        sqsKms(q, "kms:Decrypt", `every message received from the SSE-KMS ${p} queue`),
        { api: `SQS DeleteMessage (${p})`, action: "sqs:DeleteMessage", resource: (f) => q(f).arn, when: "ack after the task (acks_late)", source: SRC.kombu },
        { api: `SQS ChangeMessageVisibility (${p})`, action: "sqs:ChangeMessageVisibility", resource: (f) => q(f).arn, when: "reject/requeue, redelivered restore, backoff policy", source: SRC.kombu },
        { api: `SQS GetQueueAttributes (${p})`, action: "sqs:GetQueueAttributes", resource: (f) => q(f).arn, when: "queue size (_size: ApproximateNumberOfMessages)", source: SRC.kombu },
        { api: `SQS SendMessage (${p})`, action: "sqs:SendMessage", resource: (f) => q(f).arn, when: "Task.retry() / countdown re-publish to the same queue", source: SRC.kombu },
        sqsKms(q, "kms:GenerateDataKey", `SendMessage to the SSE-KMS ${p} queue`),
        sqsKms(q, "kms:Decrypt", `SendMessage to the SSE-KMS ${p} queue (producers need Decrypt too)`),
      ];
    }),
    { api: "SQS SendMessage (CELERY_TASK_DEFAULT_QUEUE)", action: "sqs:SendMessage", resource: () => w.defaultQueueArn, when: "a task the worker sends itself (no explicit queue)", source: SRC.celeryMulti },
    sqsKms(defaultQueue, "kms:GenerateDataKey", "SendMessage to the SSE-KMS default queue"),
    sqsKms(defaultQueue, "kms:Decrypt", "SendMessage to the SSE-KMS default queue (producers need Decrypt too)"),
    // The worker application's S3 use (docs/services.md "Job path": read/write artifacts, read models and datasets).
    { api: "S3 PutObject (artifacts)", action: "s3:PutObject", resource: (f) => `${f.buckets.artifacts.arn}/users/u1/results/r.json`, when: "write a result", source: "README.md Job path (application contract)" },
    s3Kms((f) => f.buckets.artifacts, "kms:GenerateDataKey", "PutObject into the SSE-KMS artifacts bucket"),
    s3Kms((f) => f.buckets.artifacts, "kms:Decrypt", "multipart upload of a large result"),
    { api: "S3 AbortMultipartUpload (artifacts)", action: "s3:AbortMultipartUpload", resource: (f) => `${f.buckets.artifacts.arn}/users/u1/results/big.bin`, when: "a failed multipart upload", source: SRC.s3Mpu },
    { api: "S3 GetObject (artifacts)", action: "s3:GetObject", resource: (f) => `${f.buckets.artifacts.arn}/users/u1/inputs/in.json`, when: "read a job input", source: "README.md Job path (application contract)" },
    { api: "S3 ListObjectsV2 (artifacts)", action: "s3:ListBucket", resource: (f) => f.buckets.artifacts.arn, context: () => ({ "s3:prefix": "users/u1/" }), when: "list a user's inputs", source: "README.md Job path (application contract)" },
    { api: "S3 GetObject (models)", action: "s3:GetObject", resource: (f) => `${f.buckets.models.arn}/${f.triton.prefix}/resnet/config.pbtxt`, when: "read model metadata", source: "README.md Job path (application contract)" },
    s3Kms((f) => f.buckets.models, "kms:Decrypt", "GetObject from the SSE-KMS models bucket"),
    { api: "S3 GetObject (datasets)", action: "s3:GetObject", resource: (f) => `${f.buckets.datasets.arn}/d1/part-0000.parquet`, when: "read a dataset", source: "README.md Job path (application contract)" },
    s3Kms((f) => f.buckets.datasets, "kms:Decrypt", "GetObject from the SSE-KMS datasets bucket"),
  ];
}

/** The API: enqueue to every priority, artifacts read/write (also via pre-signed URLs, signed by this role). */
function gatewayCalls(): CatalogueCall[] {
  return [
    ...PRIORITIES.flatMap((p): CatalogueCall[] => [
      { api: `SQS SendMessage (${p})`, action: "sqs:SendMessage", resource: (f) => f.queues[p].arn, when: "enqueue a job", source: "README.md Request path (<PRIORITY>_QUEUE_URL, send only)" },
      sqsKms((f) => f.queues[p], "kms:GenerateDataKey", `SendMessage to the SSE-KMS ${p} queue`),
      sqsKms((f) => f.queues[p], "kms:Decrypt", `SendMessage to the SSE-KMS ${p} queue (producers need Decrypt too)`),
    ]),
    // Every tier: one wake message when Triton has no ready endpoint (no request otherwise).
    { api: "SQS SendMessage (Triton wake queue)", action: "sqs:SendMessage", resource: (f) => f.tritonWake?.arn ?? [], when: "a synchronous call while Triton has no ready endpoint", source: SRC.wake },
    sqsKms((f) => f.tritonWake, "kms:GenerateDataKey", "SendMessage to the SSE-KMS wake queue", "Triton wake queue"),
    sqsKms((f) => f.tritonWake, "kms:Decrypt", "SendMessage to the SSE-KMS wake queue (producers need Decrypt too)", "Triton wake queue"),
    { api: "S3 PutObject (artifacts, pre-signed)", action: "s3:PutObject", resource: (f) => `${f.buckets.artifacts.arn}/users/u1/sha256/ab`, when: "browser upload with a URL the API signed", source: "README.md Request path (application contract)" },
    s3Kms((f) => f.buckets.artifacts, "kms:GenerateDataKey", "PutObject into the SSE-KMS artifacts bucket"),
    { api: "S3 GetObject (artifacts, pre-signed)", action: "s3:GetObject", resource: (f) => `${f.buckets.artifacts.arn}/users/u1/sha256/ab`, when: "browser download with a URL the API signed", source: "README.md Request path (application contract)" },
    s3Kms((f) => f.buckets.artifacts, "kms:Decrypt", "GetObject from the SSE-KMS artifacts bucket"),
  ];
}

/**
 * IAM database authentication (docs/data-layer.md "Database authentication"): each new connection presents a token
 * generated for the task's `DATABASE_USER`, authorised as rds-db:connect on the instance's resource id.
 * The reader endpoint resolves to a replica, so the last resource id is the reader's.
 */
const rdsConnect = (rolePrefix: string, which: "writer" | "reader"): CatalogueCall => ({
  api: `RDS IAM auth token for the ${which} (rds-db:connect)`,
  action: "rds-db:connect",
  resource: (f) => {
    const env = f.ecs[rolePrefix].env;
    const user = env.DATABASE_USER;
    if (!user) throw new Error(`${rolePrefix}: the task defines no DATABASE_USER, so its IAM auth token names no user`);
    const id = which === "writer" ? f.dbResourceIds[0] : f.dbResourceIds[f.dbResourceIds.length - 1];
    return `arn:aws:rds-db:${f.region}:${f.account}:dbuser:${id}/${user}`;
  },
  when: `every new database connection to the ${which} (a token is valid 15 min)`,
  source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html",
});

/** The GPU ASG's tags as IAM sees them on an Auto Scaling call (both condition-key spellings). */
const gpuAsgTagContext = (f: WorkloadFacts) =>
  Object.fromEntries(Object.entries(f.gpuAsg.tags).flatMap(([k, v]) => [[`aws:ResourceTag/${k}`, v], [`autoscaling:ResourceTag/${k}`, v]]));

const ELB = (f: WorkloadFacts, resource: string) => `arn:aws:elasticloadbalancing:${f.region}:${f.account}:${resource}`;
const LB = (f: WorkloadFacts) => ELB(f, "loadbalancer/net/k8s-triton-triton-0123456789/0123456789abcdef");
const TG = (f: WorkloadFacts) => ELB(f, "targetgroup/k8s-triton-triton-0123456789/0123456789abcdef");
const LISTENER = (f: WorkloadFacts) => ELB(f, "listener/net/k8s-triton-triton-0123456789/0123456789abcdef/fedcba9876543210");
const ownedByCluster = (f: WorkloadFacts) => ({ "aws:ResourceTag/elbv2.k8s.aws/cluster": f.clusterName });
const taggedForCluster = (f: WorkloadFacts) => ({ "aws:RequestTag/elbv2.k8s.aws/cluster": f.clusterName, "aws:TagKeys": "elbv2.k8s.aws/cluster" });

/** The load balancer controller reconciling Triton's internal NLB Service (ip targets, our security group, backend rules off). */
function loadBalancerControllerCalls(): CatalogueCall[] {
  const describe = (action: string, when: string): CatalogueCall => ({ api: action, action, resource: () => "*", when, source: SRC.lbc });
  return [
    ...[
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeCapacityReservation",
      "ec2:DescribeSubnets",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeInstances",
      "ec2:DescribeVpcs",
    ].map((a) => describe(a, "every reconcile (discovery, subnet reachability, target health)")),
    { api: "ELBv2 CreateLoadBalancer", action: "elasticloadbalancing:CreateLoadBalancer", resource: LB, context: taggedForCluster, when: "first reconcile of the Service", source: SRC.lbc },
    { api: "ELBv2 AddTags (on create)", action: "elasticloadbalancing:AddTags", resource: LB, context: (f) => ({ ...taggedForCluster(f), "elasticloadbalancing:CreateAction": "CreateLoadBalancer" }), when: "CreateLoadBalancer with Tags", source: SRC.lbcTags },
    { api: "ELBv2 CreateTargetGroup", action: "elasticloadbalancing:CreateTargetGroup", resource: TG, context: taggedForCluster, when: "first reconcile", source: SRC.lbc },
    { api: "ELBv2 AddTags (on create)", action: "elasticloadbalancing:AddTags", resource: TG, context: (f) => ({ ...taggedForCluster(f), "elasticloadbalancing:CreateAction": "CreateTargetGroup" }), when: "CreateTargetGroup with Tags", source: SRC.lbcTags },
    { api: "ELBv2 CreateListener", action: "elasticloadbalancing:CreateListener", resource: LB, context: ownedByCluster, when: "first reconcile (8000, 8001)", source: SRC.lbc },
    { api: "ELBv2 AddTags (listener on create)", action: "elasticloadbalancing:AddTags", resource: LISTENER, context: taggedForCluster, when: "CreateListener with Tags (ListenerRulesTagging)", source: SRC.lbcTags },
    { api: "ELBv2 ModifyListenerAttributes", action: "elasticloadbalancing:ModifyListenerAttributes", resource: LISTENER, context: ownedByCluster, when: "after CreateListener for TCP listeners (listener_attributes_reconciler.go)", source: SRC.lbc },
    { api: "ELBv2 ModifyListener", action: "elasticloadbalancing:ModifyListener", resource: LISTENER, context: ownedByCluster, when: "a port/protocol change", source: SRC.lbc },
    { api: "ELBv2 ModifyLoadBalancerAttributes", action: "elasticloadbalancing:ModifyLoadBalancerAttributes", resource: LB, context: ownedByCluster, when: "cross-zone attribute annotation", source: SRC.lbc },
    { api: "ELBv2 SetSecurityGroups", action: "elasticloadbalancing:SetSecurityGroups", resource: LB, context: ownedByCluster, when: "security-groups annotation", source: SRC.lbc },
    { api: "ELBv2 ModifyTargetGroup", action: "elasticloadbalancing:ModifyTargetGroup", resource: TG, context: ownedByCluster, when: "health-check annotations", source: SRC.lbc },
    { api: "ELBv2 ModifyTargetGroupAttributes", action: "elasticloadbalancing:ModifyTargetGroupAttributes", resource: TG, context: ownedByCluster, when: "deregistration delay annotation", source: SRC.lbc },
    { api: "ELBv2 RegisterTargets", action: "elasticloadbalancing:RegisterTargets", resource: TG, when: "Triton pod ready (ip targets)", source: SRC.lbc },
    { api: "ELBv2 DeregisterTargets", action: "elasticloadbalancing:DeregisterTargets", resource: TG, when: "Triton pod terminating", source: SRC.lbc },
    { api: "ELBv2 AddTags (reconcile)", action: "elasticloadbalancing:AddTags", resource: LB, context: (f) => ({ ...ownedByCluster(f), "aws:TagKeys": "service.k8s.aws/resource" }), when: "tag drift", source: SRC.lbcTags },
    { api: "ELBv2 RemoveTags (reconcile)", action: "elasticloadbalancing:RemoveTags", resource: TG, context: (f) => ({ ...ownedByCluster(f), "aws:TagKeys": "stale" }), when: "tag drift", source: SRC.lbcTags },
    { api: "ELBv2 DeleteListener", action: "elasticloadbalancing:DeleteListener", resource: LISTENER, context: ownedByCluster, when: "Service deleted / port removed", source: SRC.lbc },
    { api: "ELBv2 DeleteLoadBalancer", action: "elasticloadbalancing:DeleteLoadBalancer", resource: LB, context: ownedByCluster, when: "Service deleted", source: SRC.lbc },
    { api: "ELBv2 DeleteTargetGroup", action: "elasticloadbalancing:DeleteTargetGroup", resource: TG, context: ownedByCluster, when: "Service deleted", source: SRC.lbc },
    {
      api: "IAM CreateServiceLinkedRole",
      action: "iam:CreateServiceLinkedRole",
      resource: (f) => `arn:aws:iam::${f.account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      context: () => ({ "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" }),
      when: "first load balancer in an account without the ELB service-linked role",
      source: SRC.lbc,
    },
  ];
}

/** One record set change of ExternalDNS's batch: `<zone ARN>#<name>#<type>#<action>` (the test simulates on the zone). */
const recordChange = (f: WorkloadFacts, name: string, type: "A" | "TXT", action: "CREATE" | "UPSERT" | "DELETE") => `${f.privateDns!.zoneArn}#${name}#${type}#${action}`;

/**
 * ExternalDNS for Triton's private name (`triton.endpoint: privateDns`), as its chart values
 * configure it: aws provider, `service` source, TXT registry, `--aws-zone-type=private`, one
 * domain filter, no zone tag filter, policy sync.
 */
export const externalDnsCatalogue: WorkloadCatalogue = {
  role: "inference-external-dns-role",
  assumedBy: "irsa",
  // Listed by catalogues() exactly where the graph installs the external-dns chart (triton.endpoint
  // privateDns), so its role must then exist.
  workload: "ExternalDNS v0.21.0 (chart 1.21.1) publishing the ready Triton pod in the private zone",
  calls: [
    { api: "Route 53 ListHostedZones", action: "route53:ListHostedZones", resource: () => "*", when: "every sync (zones cache), and before ApplyChanges", source: SRC.externalDnsZones },
    { api: "Route 53 ListResourceRecordSets", action: "route53:ListResourceRecordSets", resource: (f) => f.privateDns!.zoneArn, when: "every sync (current records of the selected zone)", source: SRC.externalDnsZones },
    {
      // AWS evaluates a batch once with multi-valued keys; each change is simulated on its own here,
      // which is the same decision for policies without ForAllValues/ForAnyValue conditions.
      api: "Route 53 ChangeResourceRecordSets (A record and its TXT registry record)",
      action: "route53:ChangeResourceRecordSets",
      resource: (f) =>
        (["CREATE", "UPSERT", "DELETE"] as const).flatMap((action) => [recordChange(f, f.privateDns!.hostname, "A", action), recordChange(f, f.privateDns!.registryTxtName, "TXT", action)]),
      context: (_f, change) => {
        const [, name, type, action] = change.split("#");
        return {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": name.toLowerCase().replace(/\.$/, ""),
          "route53:ChangeResourceRecordSetsRecordTypes": type,
          "route53:ChangeResourceRecordSetsActions": action,
        };
      },
      when: "Triton pod becomes Ready (CREATE), is replaced (UPSERT), scales to zero (DELETE, policy sync)",
      source: `${SRC.externalDnsChanges}; ${SRC.externalDnsTxt}; ${SRC.r53Conditions}`,
    },
  ],
  notMade: [
    { api: "route53:ListTagsForResources", why: "called only with a zone tag filter (--aws-zone-tags); the chart values set none. docs/tutorials/aws.md grants it, and the component does, on this zone only" },
  ],
};

export function catalogues(f: WorkloadFacts): WorkloadCatalogue[] {
  const list: WorkloadCatalogue[] = [
    {
      role: "gateway-api-execution-role",
      assumedBy: "ecs-tasks.amazonaws.com",
      workload: "ECS agent for the gateway tasks",
      calls: executionCalls((f) => f.ecs["gateway-api"]),
    },
    {
      role: "gateway-api-task-role",
      assumedBy: "ecs-tasks.amazonaws.com",
      workload: "gateway application (FastAPI)",
      calls: [...gatewayCalls(), rdsConnect("gateway-api", "writer"), rdsConnect("gateway-api", "reader")],
    },
    {
      role: "inference-triton-role",
      assumedBy: "irsa",
      workload: "Triton Inference Server, S3 model repository (--model-repository, poll mode)",
      calls: [
        { api: "S3 HeadBucket", action: "s3:ListBucket", resource: (f) => f.triton.bucketArn, when: "start-up (CheckClient) and every IsDirectory", source: `${SRC.tritonS3}; ${SRC.headBucket}` },
        { api: "S3 ListObjectsV2 (repository root)", action: "s3:ListBucket", resource: (f) => f.triton.bucketArn, context: (f) => ({ "s3:prefix": `${f.triton.prefix}/` }), when: "start-up and every poll (GetDirectoryContents)", source: SRC.tritonS3 },
        { api: "S3 ListObjectsV2 (model directory)", action: "s3:ListBucket", resource: (f) => f.triton.bucketArn, context: (f) => ({ "s3:prefix": `${f.triton.prefix}/resnet/` }), when: "model load (GetDirectorySubdirs)", source: SRC.tritonS3 },
        { api: "S3 ListObjectsV2 (file probed as a directory)", action: "s3:ListBucket", resource: (f) => f.triton.bucketArn, context: (f) => ({ "s3:prefix": `${f.triton.prefix}/resnet/config.pbtxt/` }), when: "FileExists → IsDirectory on every file", source: SRC.tritonS3 },
        { api: "S3 HeadObject", action: "s3:GetObject", resource: (f) => `${f.triton.bucketArn}/${f.triton.prefix}/resnet/config.pbtxt`, when: "FileExists / FileModificationTime", source: `${SRC.tritonS3}; ${SRC.headObject}` },
        { api: "S3 GetObject", action: "s3:GetObject", resource: (f) => `${f.triton.bucketArn}/${f.triton.prefix}/resnet/1/model.onnx`, when: "model load (LocalizePath download)", source: SRC.tritonS3 },
        s3Kms((f) => ({ arn: f.triton.bucketArn, keyArn: f.triton.keyArn }), "kms:Decrypt", "every GetObject of an SSE-KMS object"),
      ],
    },
    {
      role: "inference-keda-role",
      assumedBy: "irsa",
      workload: "KEDA operator (TriggerAuthentication identityOwner: keda)",
      calls: [
        { api: "CloudWatch GetMetricData", action: "cloudwatch:GetMetricData", resource: () => "*", when: "every polling interval (aws-cloudwatch triggers)", source: SRC.kedaCw },
        // One request per aws-sqs-queue trigger of the ScaledObject; the test checks they are the job
        // queues, plus the wake queue (every tier).
        {
          api: "SQS GetQueueAttributes (job queue triggers)",
          action: "sqs:GetQueueAttributes",
          resource: (f) => f.keda.queueArns.filter((arn) => arn !== f.tritonWake?.arn),
          when: "every polling interval (aws-sqs-queue triggers)",
          source: SRC.kedaSqs,
        },
        {
          api: "SQS GetQueueAttributes (Triton wake queue trigger)",
          action: "sqs:GetQueueAttributes",
          resource: (f) => f.keda.queueArns.filter((arn) => arn === f.tritonWake?.arn),
          when: "every polling interval (every tier; the trigger matters where Triton is at zero)",
          source: `${SRC.kedaSqs}; ${SRC.wake}`,
        },
      ],
    },
    {
      role: "inference-cluster-autoscaler-role",
      assumedBy: "irsa",
      workload: "cluster-autoscaler (auto-discovery by ASG tags)",
      calls: [
        ...[
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
        ].map((a): CatalogueCall => ({ api: a, action: a, resource: () => "*", when: "every scan (node group discovery, templates for scale from zero)", source: SRC.cas })),
        { api: "EKS DescribeNodegroup", action: "eks:DescribeNodegroup", resource: (f) => f.nodegroupArn, when: "scale from zero (labels/taints of a managed node group)", source: SRC.cas },
        {
          api: "Auto Scaling SetDesiredCapacity",
          action: "autoscaling:SetDesiredCapacity",
          resource: (f) => f.gpuAsg.arn,
          context: gpuAsgTagContext,
          when: "scale up",
          source: SRC.cas,
        },
        {
          api: "Auto Scaling TerminateInstanceInAutoScalingGroup",
          action: "autoscaling:TerminateInstanceInAutoScalingGroup",
          resource: (f) => f.gpuAsg.arn,
          context: gpuAsgTagContext,
          when: "scale down",
          source: SRC.cas,
        },
      ],
    },
    {
      role: "inference-lb-controller-role",
      assumedBy: "irsa",
      workload: "AWS Load Balancer Controller v2.14.1 (chart 1.14.1) for Triton's NLB Service",
      calls: loadBalancerControllerCalls(),
      notMade: [
        { api: "ec2:AuthorizeSecurityGroupIngress/RevokeSecurityGroupIngress on untagged groups", why: "Triton's Service sets manage-backend-security-group-rules: false and its own security group, so the controller edits no node/cluster group" },
        { api: "ec2:CreateSecurityGroup / CreateTags / DeleteSecurityGroup", why: "the Service names its security group (aws-load-balancer-security-groups), so no frontend group is created; granted, scoped to this cluster's tag, for Services that do not" },
        { api: "shield:*, wafv2:*, waf-regional:*, elasticloadbalancing:SetWebAcl", why: "the Shield/WAF add-ons are turned off in the chart values (enableShield/enableWaf/enableWafv2: false); they only apply to ALB Ingresses, which this cluster does not use" },
        { api: "cognito-idp:DescribeUserPoolClient, iam:ListServerCertificates, iam:GetServerCertificate, acm:*", why: "ALB Ingress authentication and certificate discovery; Triton's NLB is plain TCP" },
        { api: "CreateRule/DeleteRule/ModifyRule/SetRulePriorities", why: "listener rules exist only on ALBs" },
      ],
    },
    {
      role: "inference-otel-collector-role",
      assumedBy: "irsa",
      workload: "OpenTelemetry Collector, awsemf exporter",
      calls: [
        { api: "CloudWatch Logs PutLogEvents", action: "logs:PutLogEvents", resource: (f) => stream(f.collector.logGroupArn, f.collector.logStream), when: "every batch", source: SRC.emf },
        { api: "CloudWatch Logs CreateLogStream", action: "logs:CreateLogStream", resource: (f) => stream(f.collector.logGroupArn, f.collector.logStream), when: "first PutLogEvents answers ResourceNotFoundException", source: SRC.emf },
      ],
    },
    {
      role: "inference-cluster-role",
      assumedBy: "eks.amazonaws.com",
      workload: "EKS control plane",
      calls: [
        { api: "EC2 CreateNetworkInterface", action: "ec2:CreateNetworkInterface", resource: () => "*", when: "cluster creation/upgrade (cross-account ENIs)", source: SRC.eksCluster },
        { api: "EC2 DescribeSubnets", action: "ec2:DescribeSubnets", resource: () => "*", when: "cluster creation/upgrade", source: SRC.eksCluster },
        { api: "EC2 DescribeVpcs", action: "ec2:DescribeVpcs", resource: () => "*", when: "cluster creation/upgrade", source: SRC.eksCluster },
      ],
    },
    ...(["system", "gpu"] as const).map(
      (pool): WorkloadCatalogue => ({
        role: `inference-${pool}-node-role`,
        assumedBy: "ec2.amazonaws.com",
        workload: `kubelet, containerd and the VPC CNI (aws-node) on ${pool} nodes`,
        calls: [
          { api: "ECR GetAuthorizationToken", action: "ecr:GetAuthorizationToken", resource: () => "*", when: "add-on image pulls", source: SRC.nodeEcr },
          { api: "ECR BatchGetImage (EKS add-on registry)", action: "ecr:BatchGetImage", resource: (f) => `arn:aws:ecr:${f.region}:602401143452:repository/amazon-k8s-cni`, when: "vpc-cni / kube-proxy / coredns images", source: SRC.nodeEcr },
          { api: "ECR GetDownloadUrlForLayer (EKS add-on registry)", action: "ecr:GetDownloadUrlForLayer", resource: (f) => `arn:aws:ecr:${f.region}:602401143452:repository/amazon-k8s-cni`, when: "add-on image layers", source: SRC.nodeEcr },
          { api: "EKS DescribeCluster", action: "eks:DescribeCluster", resource: (f) => `arn:aws:eks:${f.region}:${f.account}:cluster/${f.clusterName}`, when: "node bootstrap", source: SRC.nodeEcr },
          ...["ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:DescribeTags", "ec2:DescribeSubnets", "ec2:CreateNetworkInterface", "ec2:AttachNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "ec2:ModifyNetworkInterfaceAttribute", "ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface"].map(
            (a): CatalogueCall => ({ api: a, action: a, resource: () => "*", when: "aws-node (VPC CNI) IP address management", source: SRC.cni }),
          ),
          { api: "EC2 CreateTags (ENI)", action: "ec2:CreateTags", resource: (f) => `arn:aws:ec2:${f.region}:${f.account}:network-interface/eni-0123456789abcdef0`, when: "aws-node tags the ENIs it creates", source: SRC.cni },
        ],
      }),
    ),
    {
      role: "database-monitoring-role",
      assumedBy: "monitoring.rds.amazonaws.com",
      workload: "RDS enhanced monitoring (monitoring.rds.amazonaws.com)",
      onlyWhere: "enhanced monitoring is on (monitoringInterval > 0)",
      calls: [
        { api: "CloudWatch Logs CreateLogGroup", action: "logs:CreateLogGroup", resource: (f) => `arn:aws:logs:${f.region}:${f.account}:log-group:RDSOSMetrics`, when: "first instance with monitoring", source: SRC.rdsMonitoring },
        { api: "CloudWatch Logs CreateLogStream", action: "logs:CreateLogStream", resource: (f) => stream(`arn:aws:logs:${f.region}:${f.account}:log-group:RDSOSMetrics`, "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"), when: "per instance", source: SRC.rdsMonitoring },
        { api: "CloudWatch Logs PutLogEvents", action: "logs:PutLogEvents", resource: (f) => stream(`arn:aws:logs:${f.region}:${f.account}:log-group:RDSOSMetrics`, "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"), when: "every monitoring interval", source: SRC.rdsMonitoring },
      ],
    },
  ];

  // The worker services the graph has: one per priority, or one shared by all (1k).
  for (const w of f.workers) {
    const queues = w.priorities.join(", ");
    list.push(
      { role: `${w.rolePrefix}-execution-role`, assumedBy: "ecs-tasks.amazonaws.com", workload: `ECS agent for the workers of ${queues}`, calls: executionCalls((x) => x.ecs[w.rolePrefix]) },
      {
        role: `${w.rolePrefix}-task-role`,
        assumedBy: "ecs-tasks.amazonaws.com",
        workload: `Celery worker on the ${queues} queue${w.priorities.length > 1 ? "s" : ""}`,
        calls: [...workerCalls(w), rdsConnect(w.rolePrefix, "writer"), rdsConnect(w.rolePrefix, "reader")],
      },
    );
  }
  if (f.privateDns) list.push(externalDnsCatalogue);
  return list;
}

/** Flow logs exist only where `safety.flowLogs` is on; their catalogue applies only then. */
export const flowLogsCatalogue: WorkloadCatalogue = {
  role: "network-flow-logs-role",
      assumedBy: "vpc-flow-logs.amazonaws.com",
  workload: "VPC Flow Logs delivery (vpc-flow-logs.amazonaws.com)",
  onlyWhere: "safety.flowLogs",
  calls: [
    { api: "CloudWatch Logs CreateLogStream", action: "logs:CreateLogStream", resource: (f) => stream(f.flowLogGroupArn!, "eni-0123456789abcdef0-all"), when: "one stream per ENI", source: SRC.flowLogs },
    { api: "CloudWatch Logs PutLogEvents", action: "logs:PutLogEvents", resource: (f) => stream(f.flowLogGroupArn!, "eni-0123456789abcdef0-all"), when: "every aggregation interval", source: SRC.flowLogs },
    { api: "CloudWatch Logs DescribeLogStreams", action: "logs:DescribeLogStreams", resource: (f) => stream(f.flowLogGroupArn!, ""), when: "before writing a stream", source: `${SRC.flowLogs}; ${SRC.logsArns}` },
    // AWS lists these two as required of the delivery role; the service's exact call sequence is not
    // published, so both are catalogued as documented (DescribeLogGroups is evaluated account-wide).
    { api: "CloudWatch Logs DescribeLogGroups", action: "logs:DescribeLogGroups", resource: () => "*", when: "delivery set-up (documented requirement)", source: SRC.flowLogs },
    { api: "CloudWatch Logs CreateLogGroup", action: "logs:CreateLogGroup", resource: (f) => f.flowLogGroupArn!, when: "delivery set-up when the group is missing (documented requirement)", source: SRC.flowLogs },
  ],
};
