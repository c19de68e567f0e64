/**
 * What each workload is configured to talk to, read from the rendered graph the way the workload
 * itself reads it: ECS task definitions (image, `awslogs` group, `secrets`), Triton's
 * `--model-repository`, KEDA's triggers, the Helm values of the add-ons, the flow log's
 * destination. The call catalogues (catalogue.ts) build their requests from these facts, not from
 * the IAM policies they are checked against.
 */
import { type RenderedGraph, type RenderedResource, named, ofType } from "../support/graph";
import { arnOf, outputsOf } from "../support/iam";
import { MOCK_ACCOUNT_ID } from "../../src/plan/mocks";
import { PRIORITIES, type Priority } from "../../sizing";

/** One ECS service as its task definition describes it. */
export interface EcsWorkload {
  /** Prefix of its role names: `<prefix>-execution-role`, `<prefix>-task-role`. */
  rolePrefix: string;
  /** ECR repository the image is pulled from. */
  repositoryArn: string;
  /** `awslogs-group` as an ARN. */
  logGroupArn: string;
  /** A stream the awslogs driver writes (`<prefix>/<container>/<task id>`). */
  logStream: string;
  /** Secrets Manager secrets named in `secrets[].valueFrom` (JSON key suffix removed), with their KMS key. */
  secrets: { arn: string; keyArn: string }[];
  /** Environment of the first container. */
  env: Record<string, string>;
}

export interface WorkloadFacts {
  region: string;
  account: string;
  clusterName: string;
  /** Triton's `--model-repository=s3://<bucket>/<prefix>`. */
  triton: { bucketArn: string; prefix: string; keyArn: string };
  /** Buckets by role with the KMS key of their default encryption. */
  buckets: Record<"artifacts" | "models" | "datasets", { arn: string; keyArn: string }>;
  /** Job queues by priority (ARN, URL, KMS key) as the workers' `predefined_queues` name them. */
  queues: Record<Priority, { arn: string; url: string; keyArn: string }>;
  ecs: Record<string, EcsWorkload>;
  /**
   * The Celery worker services as their task definitions configure them: one per priority
   * (`workers-<p>`), or one shared service (`workers-shared`) whose `predefined_queues` list them all.
   * `defaultQueueArn`: `CELERY_TASK_DEFAULT_QUEUE`, where the tasks the worker itself sends go.
   */
  workers: { rolePrefix: string; priorities: Priority[]; defaultQueueArn: string }[];
  /** Triton's wake queue as the gateway is configured with it (`TRITON_WAKE_QUEUE_URL`), where Triton scales to zero. */
  tritonWake?: { arn: string; url: string; keyArn: string };
  /**
   * Triton's one private name (every tier): the zone ExternalDNS manages (its chart's `domainFilters`, the
   * private Route 53 zone of that name), the name it publishes (the Triton Service's
   * `external-dns.alpha.kubernetes.io/hostname`) and the TXT registry record beside it.
   */
  privateDns?: { zoneName: string; zoneArn: string; hostname: string; registryTxtName: string };
  /** KEDA triggers: SQS queue ARNs and CloudWatch namespaces. */
  keda: { queueArns: string[] };
  /** The collector's awsemf log group and stream. */
  collector: { logGroupArn: string; logStream: string };
  /** The VPC flow log's destination log group. */
  flowLogGroupArn?: string;
  /** A GPU node group's ASG (name and tags as the graph + EKS set them) and node group ARN. */
  gpuAsg: { arn: string; tags: Record<string, string> };
  nodegroupArn: string;
  /** The stack's data key (EBS volumes, log groups). */
  keyArn: string;
  /** RDS instances' resource ids (writer first), as `rds-db:connect` ARNs name them. */
  dbResourceIds: string[];
  /**
   * IRSA: the cluster's issuer, the OIDC provider IAM knows it by, and which Kubernetes service
   * account carries which role (the `eks.amazonaws.com/role-arn` annotations the pods really get:
   * ServiceAccount objects, and chart values that create the service accounts).
   */
  irsa: { issuerHost: string; /** As the mock cloud names it; the test checks the provider's URL is the issuer. */ providerArn: string; bindings: { roleArn: string; namespace: string; serviceAccount: string }[] };
}

const queueArnFromUrl = (url: string): string => {
  const m = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(url);
  if (!m) throw new Error(`not an SQS queue URL: ${url}`);
  return `arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}`;
};

function bucketByName(g: RenderedGraph, bucketName: string): RenderedResource {
  const b = ofType(g, "aws:s3/bucket:Bucket").find((x) => String(outputsOf(x).bucket) === bucketName || arnOf(x) === `arn:aws:s3:::${bucketName}`);
  if (!b) throw new Error(`no bucket named ${bucketName}`);
  return b;
}

function bucketKey(g: RenderedGraph, bucket: RenderedResource): string {
  const enc = ofType(g, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find(
    (e) => e.inputs.bucket === bucket.id || e.inputs.bucket === outputsOf(bucket).bucket,
  );
  const rules = (enc?.inputs.rules ?? []) as { applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }[];
  const key = rules[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
  if (!key) throw new Error(`bucket ${bucket.name} has no SSE-KMS key`);
  return key;
}

function queueByArn(g: RenderedGraph, arn: string): RenderedResource {
  const q = ofType(g, "aws:sqs/queue:Queue").find((x) => arnOf(x) === arn);
  if (!q) throw new Error(`no queue ${arn}`);
  return q;
}

function ecsWorkload(g: RenderedGraph, rolePrefix: string, region: string, account: string): EcsWorkload {
  const td = named(g, `${rolePrefix}-task`);
  const [container] = JSON.parse(String(td.inputs.containerDefinitions)) as {
    name: string;
    image: string;
    secrets?: { valueFrom: string }[];
    environment?: { name: string; value: string }[];
    logConfiguration: { options: Record<string, string> };
  }[];
  const image = /^(\d+)\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(container.image);
  if (!image) throw new Error(`${rolePrefix}: image ${container.image} is not in ECR`);
  const opts = container.logConfiguration.options;
  const secretArns = [...new Set((container.secrets ?? []).map((s) => /^(arn:aws:secretsmanager:[^:]+:\d+:secret:[^:]+)/.exec(s.valueFrom)![1]))];
  const secrets = secretArns.map((arn) => {
    const managed = ofType(g, "aws:secretsmanager/secret:Secret").find((s) => arnOf(s) === arn);
    // The RDS-managed master secret is encrypted with masterUserSecretKmsKeyId.
    const db = ofType(g, "aws:rds/instance:Instance").find((i) => i.inputs.manageMasterUserPassword);
    const keyArn = String(managed?.inputs.kmsKeyId ?? db?.inputs.masterUserSecretKmsKeyId ?? "");
    if (!keyArn) throw new Error(`${rolePrefix}: no KMS key known for secret ${arn}`);
    return { arn, keyArn };
  });
  return {
    rolePrefix,
    repositoryArn: `arn:aws:ecr:${image[2]}:${image[1]}:repository/${image[3]}`,
    logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${opts["awslogs-group"]}`,
    logStream: `${opts["awslogs-stream-prefix"]}/${container.name}/0123456789abcdef0123456789abcdef`,
    secrets,
    env: Object.fromEntries((container.environment ?? []).map((e) => [e.name, e.value])),
  };
}

/** Reads every workload's AWS-facing configuration out of a rendered graph. */
export function workloadFacts(g: RenderedGraph): WorkloadFacts {
  const region = String(g.config.region);
  const account = MOCK_ACCOUNT_ID;
  const clusterName = String(outputsOf(ofType(g, "aws:eks/cluster:Cluster")[0]).name);
  const keyArn = arnOf(ofType(g, "aws:kms/key:Key")[0]);

  const tritonArgs = (named(g, "inference-triton").inputs as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0].args;
  const repo = /^--model-repository=s3:\/\/([^/]+)\/(.+)$/.exec(tritonArgs.find((a) => a.startsWith("--model-repository="))!)!;
  const modelBucket = bucketByName(g, repo[1]);

  const buckets = Object.fromEntries(
    (["artifacts", "models", "datasets"] as const).map((role) => {
      const b = named(g, `storage-${role}`);
      return [role, { arn: arnOf(b), keyArn: bucketKey(g, b) }];
    }),
  ) as WorkloadFacts["buckets"];

  const ecs: Record<string, EcsWorkload> = {};
  for (const td of ofType(g, "aws:ecs/taskDefinition:TaskDefinition")) {
    const prefix = td.name.replace(/-task$/, "");
    ecs[prefix] = ecsWorkload(g, prefix, region, account);
  }

  // Every Celery worker service (per priority or shared), from its transport options: kombu consumes
  // exactly the predefined_queues; the queue resource's name says which priority each one is.
  const queues = {} as WorkloadFacts["queues"];
  const workers: WorkloadFacts["workers"] = [];
  for (const w of Object.values(ecs).filter((x) => x.env.CELERY_BROKER_TRANSPORT_OPTIONS !== undefined)) {
    const opts = JSON.parse(w.env.CELERY_BROKER_TRANSPORT_OPTIONS) as { predefined_queues: Record<string, { url: string }> };
    const consumed: Priority[] = [];
    for (const { url } of Object.values(opts.predefined_queues)) {
      const arn = queueArnFromUrl(url);
      const queue = queueByArn(g, arn);
      const p = /^queues-(\w+)-jobs$/.exec(queue.name)?.[1] as Priority | undefined;
      if (!p || !PRIORITIES.includes(p)) throw new Error(`${w.rolePrefix}: predefined queue ${url} is not a job queue`);
      if (queues[p]) throw new Error(`${w.rolePrefix}: the ${p} queue is also consumed by another worker service`);
      queues[p] = { arn, url, keyArn: String(queue.inputs.kmsMasterKeyId) };
      consumed.push(p);
    }
    if ((w.env.JOB_PRIORITY ?? "").split(",").sort().join() !== [...consumed].sort().join()) throw new Error(`${w.rolePrefix}: JOB_PRIORITY ${w.env.JOB_PRIORITY} is not its predefined queues (${consumed.join()})`);
    const defaultQueue = opts.predefined_queues[w.env.CELERY_TASK_DEFAULT_QUEUE];
    if (!defaultQueue) throw new Error(`${w.rolePrefix}: CELERY_TASK_DEFAULT_QUEUE ${w.env.CELERY_TASK_DEFAULT_QUEUE} is not a predefined queue (kombu would try CreateQueue)`);
    workers.push({ rolePrefix: w.rolePrefix, priorities: consumed, defaultQueueArn: queueArnFromUrl(defaultQueue.url) });
  }
  const unconsumed = PRIORITIES.filter((p) => !queues[p]);
  if (unconsumed.length > 0) throw new Error(`no worker service consumes the ${unconsumed.join(", ")} queue(s)`);

  const wakeUrl = ecs["gateway-api"]?.env.TRITON_WAKE_QUEUE_URL;
  const tritonWake = wakeUrl ? { arn: queueArnFromUrl(wakeUrl), url: wakeUrl, keyArn: String(queueByArn(g, queueArnFromUrl(wakeUrl)).inputs.kmsMasterKeyId) } : undefined;

  // ExternalDNS (every tier: Triton's one private name): the zone its domainFilters select among the private
  // zones (--aws-zone-type=private), and the name the Triton Service asks for.
  const externalDns = ofType(g, "kubernetes:helm.sh/v4:Chart").find((c) => c.inputs.chart === "external-dns");
  let privateDns: WorkloadFacts["privateDns"];
  if (externalDns) {
    const values = externalDns.inputs.values as { domainFilters: string[]; registry?: string; txtPrefix?: string; txtSuffix?: string };
    if (values.domainFilters.length !== 1) throw new Error(`ExternalDNS manages ${values.domainFilters.length} domains; extend the facts`);
    const zoneName = values.domainFilters[0];
    const zones = ofType(g, "aws:route53/zone:Zone").filter((z) => z.inputs.name === zoneName && ((z.inputs.vpcs as unknown[] | undefined)?.length ?? 0) > 0);
    if (zones.length !== 1) throw new Error(`ExternalDNS filters on ${zoneName}: ${zones.length} private zones of that name`);
    // Route 53 names a hosted zone arn:aws:route53:::hostedzone/<Id>; Id is the zone's zoneId output.
    // The mock cloud answers no zoneId for aws:route53/zone:Zone (src/plan/mocks.ts), so under mocks
    // this renders as "undefined", exactly as in the policy built from the same output.
    const zoneArn = `arn:aws:route53:::hostedzone/${String(outputsOf(zones[0]).zoneId)}`;
    const hostnames = ofType(g, "kubernetes:core/v1:Service")
      .map((svc) => (svc.inputs.metadata as { annotations?: Record<string, string> }).annotations?.["external-dns.alpha.kubernetes.io/hostname"])
      .filter((h): h is string => h !== undefined);
    if (hostnames.length !== 1 || !hostnames[0].endsWith(`.${zoneName}`)) throw new Error(`ExternalDNS in ${zoneName}: Services ask for ${hostnames.join(", ") || "no name"}`);
    if ((values.registry ?? "txt") !== "txt" || values.txtPrefix || values.txtSuffix) throw new Error("ExternalDNS registry is not the plain TXT registry; extend registryTxtName");
    // TXT registry (v0.18+ single format): `<record type>-<first label>.<rest>` (registry/mapper/mapper.go ToTXTName).
    const [first, ...rest] = hostnames[0].split(".");
    privateDns = { zoneName, zoneArn, hostname: hostnames[0], registryTxtName: [`a-${first}`, ...rest].join(".") };
  }

  const scaled = ofType(g, "kubernetes:keda.sh/v1alpha1:ScaledObject")[0];
  const triggers = (scaled?.inputs.spec as { triggers: { type: string; metadata: Record<string, string> }[] } | undefined)?.triggers ?? [];
  const kedaQueues = triggers.filter((t) => t.type === "aws-sqs-queue").map((t) => queueArnFromUrl(t.metadata.queueURL));

  const collectorChart = ofType(g, "kubernetes:helm.sh/v4:Chart").find((c) => /opentelemetry-collector/.test(c.name))!;
  const emf = (collectorChart.inputs.values as { config: { exporters: { awsemf: { log_group_name: string; log_stream_name: string } } } }).config.exporters.awsemf;

  const flow = ofType(g, "aws:ec2/flowLog:FlowLog")[0];

  const asgTags = ofType(g, "aws:autoscaling/tag:Tag").filter((t) => /gpu-primary/.test(t.name));
  const asgName = String((asgTags[0]?.inputs.autoscalingGroupName as string | undefined) ?? "eks-gpu-primary");
  const gpuNodegroup = ofType(g, "aws:eks/nodeGroup:NodeGroup").find((n) => /gpu/.test(n.name))!;
  const gpuNodegroupName = String(outputsOf(gpuNodegroup).nodeGroupName ?? gpuNodegroup.name);

  const cluster = ofType(g, "aws:eks/cluster:Cluster")[0];
  const issuer = String((outputsOf(cluster).identities as { oidcs: { issuer: string }[] }[])[0].oidcs[0].issuer);
  const roleAnnotation = "eks.amazonaws.com/role-arn";
  const bindings: WorkloadFacts["irsa"]["bindings"] = [];
  for (const sa of ofType(g, "kubernetes:core/v1:ServiceAccount")) {
    const meta = sa.inputs.metadata as { name: string; namespace: string; annotations?: Record<string, string> };
    if (meta.annotations?.[roleAnnotation]) bindings.push({ roleArn: meta.annotations[roleAnnotation], namespace: meta.namespace, serviceAccount: meta.name });
  }
  for (const chart of ofType(g, "kubernetes:helm.sh/v4:Chart")) {
    type Sa = { name?: string; annotations?: Record<string, string> };
    const values = chart.inputs.values as { serviceAccount?: Sa & { operator?: Sa }; rbac?: { serviceAccount?: Sa }; podIdentity?: { aws?: { irsa?: { enabled?: boolean; roleArn?: string } } } };
    const namespace = String(chart.inputs.namespace);
    for (const sa of [values.serviceAccount, values.rbac?.serviceAccount]) {
      if (sa?.name && sa.annotations?.[roleAnnotation]) bindings.push({ roleArn: sa.annotations[roleAnnotation], namespace, serviceAccount: sa.name });
    }
    // KEDA's chart annotates its operator's service account from podIdentity.aws.irsa.roleArn.
    const keda = values.podIdentity?.aws?.irsa;
    if (keda?.enabled && keda.roleArn && values.serviceAccount?.operator?.name) bindings.push({ roleArn: keda.roleArn, namespace, serviceAccount: values.serviceAccount.operator.name });
  }

  return {
    irsa: { issuerHost: issuer.replace(/^https:\/\//, ""), providerArn: arnOf(ofType(g, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")[0]), bindings },
    region,
    account,
    clusterName,
    keyArn,
    triton: { bucketArn: arnOf(modelBucket), prefix: repo[2], keyArn: bucketKey(g, modelBucket) },
    buckets,
    queues,
    ecs,
    workers,
    tritonWake,
    privateDns,
    keda: { queueArns: kedaQueues },
    collector: { logGroupArn: `arn:aws:logs:${region}:${account}:log-group:${emf.log_group_name}`, logStream: emf.log_stream_name },
    flowLogGroupArn: flow ? String(flow.inputs.logDestination) : undefined,
    gpuAsg: {
      arn: `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:11111111-2222-3333-4444-555555555555:autoScalingGroupName/${asgName}`,
      // EKS tags every managed node group's ASG with these two itself
      // (https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html); the graph adds the rest.
      tags: {
        "k8s.io/cluster-autoscaler/enabled": "true",
        [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
        ...Object.fromEntries(asgTags.map((t) => [(t.inputs.tag as { key: string }).key, (t.inputs.tag as { value: string }).value])),
      },
    },
    dbResourceIds: ofType(g, "aws:rds/instance:Instance")
      .sort((a, b) => Number(Boolean(a.inputs.replicateSourceDb)) - Number(Boolean(b.inputs.replicateSourceDb)))
      .map((i) => String(outputsOf(i).resourceId)),
    nodegroupArn: `arn:aws:eks:${region}:${account}:nodegroup/${clusterName}/${gpuNodegroupName}/0ec6b1a2-0000-0000-0000-000000000000`,
  };
}
