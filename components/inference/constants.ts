/**
 * Facts of the inference component that size nothing: version pins, AWS managed policy ARNs, the
 * Kubernetes labels, taints and namespaces of the GPU scheduling contract, and the EKS add-ons' own
 * pods. Sizes are in sizing/table.ts, timings and pod requests in sizing/inference.ts, ports in
 * `PORTS` (sizing/constants.ts).
 *
 * Refresh the add-on pins with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name> --query 'addons[].addonVersions[0].addonVersion'`
 * and the chart pins with `helm search repo <repo>/<chart>`; every pin is a string a reviewer can diff.
 */

/** Managed EKS add-on versions per Kubernetes minor version (kube-proxy and CoreDNS follow the control plane). */
export const EKS_ADDONS: Record<string, { vpcCni: string; coredns: string; kubeProxy: string }> = {
  "1.32": { vpcCni: "v1.20.4-eksbuild.1", coredns: "v1.11.4-eksbuild.14", kubeProxy: "v1.32.6-eksbuild.12" },
  "1.33": { vpcCni: "v1.20.4-eksbuild.1", coredns: "v1.12.1-eksbuild.2", kubeProxy: "v1.33.3-eksbuild.10" },
  "1.34": { vpcCni: "v1.20.4-eksbuild.1", coredns: "v1.12.3-eksbuild.1", kubeProxy: "v1.34.0-eksbuild.4" },
  "1.35": { vpcCni: "v1.20.4-eksbuild.1", coredns: "v1.12.4-eksbuild.1", kubeProxy: "v1.35.0-eksbuild.1" },
};

/**
 * Cluster Autoscaler image per Kubernetes minor version: the autoscaler's scheduler simulation is
 * built against one Kubernetes release, so its minor must match the control plane's.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Record<string, string> = {
  "1.32": "v1.32.3",
  "1.33": "v1.33.2",
  "1.34": "v1.34.1",
  "1.35": "v1.35.0",
};

/** Helm charts the component installs: repository, chart name and pinned chart version. */
export const HELM_CHARTS = {
  awsLoadBalancerController: { repo: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "1.14.1" },
  clusterAutoscaler: { repo: "https://kubernetes.github.io/autoscaler", chart: "cluster-autoscaler", version: "9.52.1" },
  nvidiaDevicePlugin: { repo: "https://nvidia.github.io/k8s-device-plugin", chart: "nvidia-device-plugin", version: "0.17.4" },
  dcgmExporter: { repo: "https://nvidia.github.io/dcgm-exporter/helm-charts", chart: "dcgm-exporter", version: "4.6.0" },
  keda: { repo: "https://kedacore.github.io/charts", chart: "keda", version: "2.18.1" },
  // kubernetes-sigs/external-dns charts/external-dns/Chart.yaml (1.21.1, app 0.21.0).
  externalDns: { repo: "https://kubernetes-sigs.github.io/external-dns/", chart: "external-dns", version: "1.21.1" },
  openTelemetryCollector: {
    repo: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    chart: "opentelemetry-collector",
    version: "0.138.0",
  },
} as const;

/** The collector image: `contrib` is the distribution that ships the `awsemf` exporter. */
export const OTEL_COLLECTOR_IMAGE = { repository: "otel/opentelemetry-collector-contrib", tag: "0.138.0" } as const;

/** The Triton container image's non-root user (`triton-server`, uid/gid 1000 in the NGC image). */
export const TRITON_USER_ID = 1000;

/** AWS managed policies attached to every node role. */
export const NODE_MANAGED_POLICIES = {
  /** kubelet: describe the cluster and instances, join the cluster. */
  workerNode: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  /** Pull images from ECR (the add-on images, and Triton when mirrored); pull-only, no list/describe of repositories. */
  ecrPull: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
  /** The VPC CNI (aws-node) assigns ENIs and IP prefixes to the node. */
  cni: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
} as const;

export const CLUSTER_ROLE_POLICY = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy";
export const CLUSTER_ADMIN_ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/**
 * EKS access policies by the access level `eksClusterAccess` grants
 * (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html):
 * `admin` is cluster-admin (the CI deploy role: Helm charts create CRDs, ClusterRoles and namespaces);
 * `view` reads most objects, not Secrets (the CI preview role and readers). A server-side-apply
 * preview issues dry-run patches, which Kubernetes authorizes exactly like writes
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run-authorization;
 * pulumi/pulumi-kubernetes#2213); the preview role stays read-only because a pull request's preview
 * runs the pull request's code with its credentials, and the provider falls back to a client-side
 * preview when the dry run is forbidden (pulumi/pulumi-kubernetes#2419).
 */
export const CLUSTER_ACCESS_POLICIES = {
  admin: CLUSTER_ADMIN_ACCESS_POLICY,
  view: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;

/** Control-plane log types sent to CloudWatch (all five: FSBP EKS.8 / CKV_AWS_37). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Kubernetes labels and taints the GPU scheduling contract is made of. */
export const GPU_NODE_LABEL = { key: "nvidia.com/gpu.present", value: "true" } as const;
export const GPU_POOL_LABEL = "platform.io/gpu-pool";
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;
export const GPU_RESOURCE = "nvidia.com/gpu";
/**
 * The cluster autoscaler's GPU label on AWS (kubernetes/autoscaler `cloudprovider/aws/aws_cloud_provider.go`,
 * `GPULabel`); values per GPU model come from the instance catalogue (sizing/instances.ts).
 */
export const GPU_ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";
export const SYSTEM_NODE_LABEL = { key: "platform.io/node-role", value: "system" } as const;

/**
 * Namespace label that makes the AWS Load Balancer Controller add a readiness gate to new pods: a
 * Triton pod counts as Ready only once the NLB (ip targets) reports it healthy, so a rollout never
 * removes the old pod while its successor is still registering (controller docs, "Pod readiness gate").
 */
export const LB_READINESS_GATE_LABEL = { key: "elbv2.k8s.aws/pod-readiness-gate-inject", value: "enabled" } as const;

/** Namespaces the component creates. */
export const NAMESPACES = { triton: "triton", monitoring: "monitoring", keda: "keda" } as const;
