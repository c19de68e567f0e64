/**
 * The inference platform's timings and pod requests: how often Triton polls its model repository and
 * how its probes, drain and rollout are timed, the wake path's queue retention and KEDA target, KEDA's
 * and the collector's polling, the private-DNS TTLs, the requests set on each add-on chart's pods and
 * those of the EKS managed add-ons' pods, and how many subnets the control plane uses. They are not
 * per tier (every tier runs the same Triton and add-ons); components/inference reads them, and the
 * offline scheduling check (src/plan/scheduling/) counts the requests.
 */

/**
 * Triton runtime timings. Startup allows 10 minutes (period × threshold) because the first start
 * downloads the model repository from S3 before the server answers; liveness is strict once it runs.
 */
export const TRITON_TIMINGS = {
  /** `--repository-poll-secs`: how soon a model published to S3 is picked up. */
  repositoryPollSeconds: 30,
  startupProbe: { periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 5 },
  livenessProbe: { periodSeconds: 15, failureThreshold: 3, timeoutSeconds: 5 },
  readinessProbe: { periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
  /**
   * NLB target deregistration delay (AWS default: 300 s). Inference calls are seconds long; 30 s
   * drains them without holding a scaled-in GPU node for five minutes.
   */
  deregistrationDelaySeconds: 30,
  /**
   * `preStop` sleep: a terminating pod keeps serving while the controller deregisters it and the NLB
   * stops routing to it, instead of refusing requests that are already on their way.
   */
  preStopSleepSeconds: 30,
  /** Seconds the pod gets on shutdown: the preStop sleep, then Triton's own 30 s exit timeout. */
  terminationGracePeriodSeconds: 60,
  /**
   * How long `pulumi up` waits for the Deployment to become ready: a cold GPU node (launch, driver,
   * 10 GB image pull, model download) takes 5–10 minutes, more than the provider's 10-minute default allows for.
   */
  rolloutTimeoutSeconds: 30 * 60,
} as const;

/**
 * Triton's private name (every tier; its records point at the pods under `triton.endpoint: privateDns`).
 * `recordTtlSeconds`: the A record's TTL, so a replaced pod's new address is picked up quickly (an alias
 * record to the NLB has no TTL of its own: Route 53 uses the NLB's).
 * `negativeTtlSeconds`: the zone's SOA minimum, i.e. how long resolvers cache "no such name" (Triton
 * at zero replicas has no record); Route 53's default is 86 400 s capped by the SOA TTL of 900 s
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html), far too long after a wake.
 * `syncIntervalSeconds`: ExternalDNS's full resync; it also reacts to EndpointSlice events.
 */
export const TRITON_PRIVATE_DNS = {
  recordTtlSeconds: 10,
  negativeTtlSeconds: 10,
  soaTtlSeconds: 60,
  syncInterval: "1m",
} as const;

/**
 * TLS on the gateway/workers -> Triton gRPC hop (components/inference/triton-tls.ts): a private CA
 * signs Triton's server certificate. Hours, as the tls provider takes them (`validityPeriodHours`).
 * `caValidityHours`: 10 years; the clients hold the CA (TRITON_GRPC_CA_PEM), so a new CA means a
 * redeploy of every service: rare on purpose. `serverValidityHours`: 1 year; a renewal only rolls
 * Triton's pods. `*EarlyRenewalHours`: a `pulumi up` inside this window before expiry replaces the
 * certificate (the tls provider renews only when applied: docs for tls_locally_signed_cert,
 * "Automatic Renewal"); 60 days for the server, 180 for the CA, so a monthly deploy cadence always
 * lands inside it.
 */
export const TRITON_TLS = {
  caValidityHours: 10 * 365 * 24,
  caEarlyRenewalHours: 180 * 24,
  serverValidityHours: 365 * 24,
  serverEarlyRenewalHours: 60 * 24,
} as const;

/**
 * The synchronous wake path (Triton at zero replicas). The gateway sends a message to the wake queue
 * when Triton has no ready endpoint; KEDA's aws-sqs-queue trigger activates on any message.
 * `messageRetentionSeconds`: 3 minutes: nobody consumes the queue, messages expire, so once requests stop
 * the queue is empty again and the ScaledObject's cooldown can return Triton to zero. Long enough that
 * KEDA sees a message through several polls (SQS's ApproximateNumberOfMessages is eventually consistent,
 * SQS developer guide "Available CloudWatch metrics"/GetQueueAttributes), short enough to stay a signal
 * queue (the policy pack's 5-minute bound, policy/rules/data.ts) and well under the cooldown.
 * `queueLengthPerReplica`: KEDA's target per replica; wake messages only activate (one replica); the
 * queue-time and GPU triggers scale beyond.
 * `retryAfterSeconds`: what the gateway answers meanwhile (`503`, `Retry-After`), the cold-start budget
 * of docs/decisions/0002-cold-start.md.
 */
export const TRITON_WAKE = {
  messageRetentionSeconds: 180,
  queueLengthPerReplica: 1_000,
  retryAfterSeconds: 120,
} as const;

/** KEDA polls its triggers this often (seconds); CloudWatch metrics arrive once a minute anyway. */
export const KEDA_POLLING_INTERVAL_SECONDS = 30;

/** CloudWatch period (seconds) the KEDA CloudWatch triggers aggregate over. */
export const METRICS_PERIOD_SECONDS = 60;

/** How far back KEDA's CloudWatch queries look; a few periods, so one late datapoint does not read as "no load". */
export const METRICS_COLLECTION_SECONDS = 5 * METRICS_PERIOD_SECONDS;

/** How often the collector scrapes Triton and dcgm-exporter. */
export const METRICS_SCRAPE_INTERVAL = "30s";

/** CPU and memory requests of one container, as Kubernetes quantities. */
export interface PodRequests {
  cpu: string;
  memory: string;
}

/**
 * Requests the stack sets on each Helm chart's pods. Most charts ship `resources: {}` (no requests), so
 * the scheduler would place them anywhere and the offline scheduling check (src/plan/scheduling/)
 * could not judge them. The numbers are each chart's own suggestion:
 * * load balancer controller: aws/eks-charts `stable/aws-load-balancer-controller/values.yaml` (commented example);
 * * cluster-autoscaler: kubernetes/autoscaler `cluster-autoscaler/charts/cluster-autoscaler/values.yaml` (commented example);
 * * KEDA operator, metrics API server and webhooks: kedacore/charts `keda/values.yaml` (`resources.*.requests`, the chart defaults);
 * * OpenTelemetry collector: open-telemetry/opentelemetry-helm-charts `charts/opentelemetry-collector/values.yaml`
 *   (commented 250m / 512Mi, taken as the request: the collector batches scrapes of every Triton pod and GPU);
 * * dcgm-exporter: NVIDIA/dcgm-exporter `deployment/values.yaml` (commented example).
 * The NVIDIA device plugin chart suggests none; it is counted as requesting nothing.
 */
export const ADDON_REQUESTS = {
  loadBalancerController: { cpu: "100m", memory: "128Mi" },
  clusterAutoscaler: { cpu: "100m", memory: "300Mi" },
  kedaOperator: { cpu: "100m", memory: "100Mi" },
  kedaMetricsServer: { cpu: "100m", memory: "100Mi" },
  kedaWebhooks: { cpu: "100m", memory: "100Mi" },
  collector: { cpu: "250m", memory: "512Mi" },
  dcgmExporter: { cpu: "100m", memory: "128Mi" },
  // The external-dns chart requests nothing by default (kubernetes-sigs/external-dns
  // charts/external-dns/values.yaml `resources: {}`), so the scheduler would place it anywhere and the
  // offline scheduling check could not count it; one Go controller watching Services, tens of MiB.
  externalDns: { cpu: "50m", memory: "64Mi" },
} as const satisfies Record<string, PodRequests>;

/**
 * Subnets (one per AZ) the control plane's ENIs use: EKS requires subnets in at least two AZs
 * (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html), and every tier has at least two.
 */
export const CONTROL_PLANE_SUBNETS = 2;

/**
 * Pods of the EKS managed add-ons, which the graph holds only as `aws.eks.Addon` resources: their
 * requests and where they run. Sources: the manifests EKS installs, upstream —
 * aws/amazon-vpc-cni-k8s `charts/aws-vpc-cni/values.yaml` (aws-node, requests cpu 25m; the network policy
 * agent container newer versions add is not counted), EKS's aws-node DaemonSet tolerates every taint,
 * kubernetes/kubernetes `cluster/addons/dns/coredns/coredns.yaml.base` (requests 100m / 70Mi, 2 replicas,
 * tolerates only `CriticalAddonsOnly`), and the kube-proxy DaemonSet (requests cpu 100m, tolerates every taint).
 */
export const EKS_ADDON_PODS = {
  "vpc-cni": { kind: "DaemonSet", name: "aws-node", requests: { cpu: "25m", memory: "0" }, toleratesEverything: true },
  "kube-proxy": { kind: "DaemonSet", name: "kube-proxy", requests: { cpu: "100m", memory: "0" }, toleratesEverything: true },
  coredns: { kind: "Deployment", name: "coredns", replicas: 2, requests: { cpu: "100m", memory: "70Mi" }, toleratesEverything: false },
} as const;

/**
 * How much of the inference platform a rollout or a node drain may take down at once: one node of a
 * node group during an EKS rolling update (`updateConfig.maxUnavailable`), and one pod of a workload
 * with a PodDisruptionBudget (Triton, the load balancer controller), so the rest keep serving while
 * it is replaced.
 */
export const DISRUPTION = {
  nodeGroupMaxUnavailable: 1,
  podMaxUnavailable: 1,
} as const;

/**
 * Replicas of the metrics collector (OpenTelemetry collector in deployment mode): one. It scrapes
 * every target itself, so a second replica would publish each series twice (double the CloudWatch
 * EMF records and their cost); a restart only leaves a gap of one scrape interval.
 */
export const COLLECTOR_REPLICAS = 1;

/**
 * The SOA fields Route 53 writes into every hosted zone it creates (serial 1, refresh 7200 s, retry
 * 900 s, expire 1209600 s; https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html),
 * kept when the private zone's SOA is rewritten for its shorter negative TTL
 * (`TRITON_PRIVATE_DNS.negativeTtlSeconds`).
 */
export const ROUTE53_SOA_TIMINGS = "1 7200 900 1209600";
