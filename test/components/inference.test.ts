/**
 * Inference for every shipped stack × tier: the EKS cluster's settings, node groups (AMI, instance
 * types for both GPU types, capacity, bounds, labels, taints, launch templates), the autoscaler's
 * scale-from-zero tags, the add-ons' IAM, the Triton objects and their KEDA scaling, and that a
 * tier or GPU-type switch changes node groups without replacing the cluster.
 */
import { describe, expect, it } from "vitest";
import { addonVersionsFor } from "../../components/inference/cluster";
import {
  CLUSTER_AUTOSCALER_IMAGE_TAGS,
  CONTROL_PLANE_LOG_TYPES,
  EKS_ADDONS,
  HELM_CHARTS,
  NODE_MANAGED_POLICIES,
  TRITON_USER_ID,
} from "../../components/inference/constants";
import { INFERENCE_METRICS } from "../../components/inference/metrics";
import { acceleratorOf, autoscalerTagsFor, gpusPerNode, systemAmiType } from "../../components/inference/node-groups";
import { tritonArgs } from "../../components/inference/triton";
import { TRITON_TLS_FLAGS } from "../../components/inference/triton-tls";
import { KEDA_POLLING_INTERVAL_SECONDS, PORTS, SUPPORTED_KUBERNETES_VERSIONS, TRITON_PRIVATE_DNS, TRITON_TIMINGS, TRITON_WAKE } from "../../sizing";
import { estimateCost } from "../../src/plan/cost";
import { mockCall } from "../../src/plan/mocks";
import { json, named, ofType, type RenderedGraph, type RenderedResource, rendered, stackTierMatrix, statementsOf, type Captured as Obj } from "../support/graph";


interface PolicyDoc {
  Statement: { Sid?: string; Action: string | string[]; Resource: string | string[]; Condition?: Obj }[];
}

const actions = (s: PolicyDoc["Statement"][number]) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resources = (s: PolicyDoc["Statement"][number]) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** The inline policy attached to the role with this logical name. */
function rolePolicy(g: RenderedGraph, roleName: string): PolicyDoc {
  const role = named(g, roleName);
  const policy = ofType(g, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === roleName.replace(/-role$/, "-policy"));
  if (!policy) throw new Error(`no policy for ${role.name}`);
  return json<PolicyDoc>(policy.inputs.policy);
}

function gpuGroups(g: RenderedGraph): RenderedResource[] {
  return ofType(g, "aws:eks/nodeGroup:NodeGroup").filter((n) => n.name.startsWith("inference-gpu-"));
}

function tritonContainer(g: RenderedGraph): Obj {
  return (named(g, "inference-triton").inputs as Obj).spec.template.spec.containers[0];
}

function chartValues(g: RenderedGraph, chart: string): Obj {
  return (named(g, `inference-${chart}`).inputs as Obj).values;
}

const REPLACEMENT_INPUTS_OF_CLUSTER = [
  "name",
  "roleArn",
  "version",
  "vpcConfig",
  "encryptionConfig",
  "accessConfig",
  "bootstrapSelfManagedAddons",
  "kubernetesNetworkConfig",
  "outpostConfig",
] as const;

describe.each(stackTierMatrix())("inference of $stack at $tier", ({ stack, tier }) => {
  describe("cluster", () => {
    it("runs in the private subnets with a restricted public endpoint, encrypted secrets, all control-plane logs and API auth", async () => {
      const g = await rendered(stack, tier);
      const cluster = named(g, "inference-cluster").inputs as Obj;
      expect(cluster.name).toBe(`inference-platform-${stack}-eks`);
      expect(cluster.version).toBe(g.config.kubernetesVersion);
      // The control plane takes the first two private subnets (stable when a tier adds an AZ); nodes take all.
      expect(cluster.vpcConfig.subnetIds).toEqual((g.outputs.privateSubnetIds as string[]).slice(0, 2));
      for (const group of ofType(g, "aws:eks/nodeGroup:NodeGroup")) expect(group.inputs.subnetIds).toEqual(g.outputs.privateSubnetIds);
      expect(cluster.vpcConfig.endpointPrivateAccess).toBe(true);
      expect(cluster.vpcConfig.publicAccessCidrs).toEqual(g.config.eks.publicAccessCidrs);
      expect(cluster.encryptionConfig).toEqual({ provider: { keyArn: g.outputs.kmsKeyArn }, resources: ["secrets"] });
      expect(cluster.enabledClusterLogTypes).toEqual([...CONTROL_PLANE_LOG_TYPES]);
      expect(cluster.accessConfig.authenticationMode).toBe("API");
      expect(cluster.upgradePolicy).toEqual({ supportType: "STANDARD" });
      if (stack === "prod") expect(cluster.vpcConfig.publicAccessCidrs).not.toContain("0.0.0.0/0");
    });

    it("creates the control-plane log group under the name EKS writes to, with retention and the stack key", async () => {
      const g = await rendered(stack, tier);
      const logs = named(g, "inference-control-plane-logs").inputs;
      expect(logs.name).toBe(`/aws/eks/inference-platform-${stack}-eks/cluster`);
      expect(logs.retentionInDays).toBe(g.config.sizing.observability.logRetentionDays);
      expect(logs.kmsKeyId).toBe(g.outputs.kmsKeyArn);
    });

    it("registers an OIDC provider for IRSA and the pinned managed add-ons, with network policy enforcement on", async () => {
      const g = await rendered(stack, tier);
      const oidc = named(g, "inference-oidc").inputs;
      expect(oidc.url).toMatch(/^https:\/\/oidc\.eks\..+\/id\/[0-9A-F]+$/);
      expect(oidc.clientIdLists).toEqual(["sts.amazonaws.com"]);
      const pins = EKS_ADDONS[g.config.kubernetesVersion];
      const addon = (n: string) => named(g, `inference-${n}`).inputs as Obj;
      expect(addon("vpc-cni")).toMatchObject({ addonName: "vpc-cni", addonVersion: pins.vpcCni });
      expect(addon("coredns")).toMatchObject({ addonName: "coredns", addonVersion: pins.coredns });
      expect(addon("kube-proxy")).toMatchObject({ addonName: "kube-proxy", addonVersion: pins.kubeProxy });
      const cni = JSON.parse(addon("vpc-cni").configurationValues as string);
      expect(cni.enableNetworkPolicy).toBe("true");
      // Prefix delegation would raise max pods to 110 and the kubelet's memory reservation with it
      // (test/aws/scheduling.test.ts): the add-ons would not fit a t4g.small.
      expect(cni.env?.ENABLE_PREFIX_DELEGATION).toBeUndefined();
    });

    it("builds one Kubernetes provider from the cluster with an exec-based token, used by every Kubernetes object", async () => {
      const g = await rendered(stack, tier);
      const provider = named(g, "inference-k8s");
      const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
      expect(kubeconfig.users[0].user.exec.command).toBe("aws");
      expect(kubeconfig.users[0].user.exec.args).toEqual(
        expect.arrayContaining(["eks", "get-token", "--cluster-name", `inference-platform-${stack}-eks`]),
      );
      expect(kubeconfig.users[0].user.token).toBeUndefined();
      expect(ofType(g, "pulumi:providers:kubernetes")).toHaveLength(1);
    });
  });

  describe("node groups", () => {
    it("has a system node group on the AL2023 AMI matching its architecture, sized from the table", async () => {
      const g = await rendered(stack, tier);
      const system = named(g, "inference-system").inputs as Obj;
      const sizing = g.config.sizing.systemNodes;
      expect(system.instanceTypes).toEqual(sizing.instanceTypes);
      expect(system.amiType).toBe(sizing.instanceTypes[0].includes("g.") ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD");
      expect(system.capacityType).toBe(sizing.capacityType);
      expect(system.scalingConfig).toEqual({ minSize: sizing.minNodes, maxSize: sizing.maxNodes, desiredSize: sizing.desiredNodes });
      expect(system.nodeGroupNamePrefix).toMatch(/system-$/);
    });

    it("has GPU node group(s) on the NVIDIA AMI with the tier's types, capacity, bounds, labels and taint", async () => {
      const g = await rendered(stack, tier);
      const gpu = g.config.sizing.gpu;
      const groups = gpuGroups(g);
      const expectFallback = gpu.onDemandFallback && gpu.capacityType === "SPOT";
      const base = gpu.capacityType === "SPOT" ? gpu.onDemandBaseNodes : 0;
      expect(groups.map((n) => n.name).sort()).toEqual(
        [base > 0 && "inference-gpu-base", expectFallback && "inference-gpu-fallback", "inference-gpu-primary"].filter(Boolean),
      );
      const expected: Record<string, { capacityType: string; min: number; max: number }> = {
        base: { capacityType: "ON_DEMAND", min: base, max: base },
        primary: { capacityType: gpu.capacityType, min: gpu.minNodes - base, max: gpu.maxNodes - base },
        fallback: { capacityType: "ON_DEMAND", min: 0, max: gpu.maxNodes - base },
      };
      for (const group of groups) {
        const inputs = group.inputs as Obj;
        const pool = group.name.replace("inference-gpu-", "");
        expect(inputs.amiType).toBe("AL2023_x86_64_NVIDIA");
        expect(inputs.instanceTypes).toEqual(gpu.instanceTypes.l4);
        expect(inputs.instanceTypes.every((t: string) => t.startsWith("g6."))).toBe(true);
        expect(inputs.capacityType).toBe(expected[pool].capacityType);
        expect(inputs.scalingConfig).toEqual({ minSize: expected[pool].min, maxSize: expected[pool].max, desiredSize: expected[pool].min });
        // EKS: NodegroupScalingConfig maxSize ≥ 1 (API reference).
        expect(inputs.scalingConfig.maxSize).toBeGreaterThanOrEqual(1);
        // The autoscaler's GPU label (cluster-autoscaler aws_cloud_provider.go GPULabel): without it a
        // new node counts as GPU-less until the device plugin reports, and the autoscaler adds more.
        // The pool label also keeps --balance-similar-node-groups from splitting a scale-up between
        // spot and its on-demand fallback (a differing label makes groups dissimilar: CA FAQ).
        expect(inputs.labels).toEqual({
          "nvidia.com/gpu.present": "true",
          "platform.io/gpu-pool": pool,
          "k8s.amazonaws.com/accelerator": "nvidia-l4",
        });
        expect(inputs.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
        expect(inputs.nodeGroupName).toBeUndefined();
        expect(inputs.nodeGroupNamePrefix.length + 26).toBeLessThanOrEqual(63);
      }
      // The fleet's bounds are the table's: the groups that add capacity (not the fallback) sum to them.
      const adding = groups.filter((n) => !n.name.endsWith("fallback")).map((n) => (n.inputs as Obj).scalingConfig);
      expect(adding.reduce((sum: number, c: Obj) => sum + c.maxSize, 0)).toBe(gpu.maxNodes);
      expect(adding.reduce((sum: number, c: Obj) => sum + c.minSize, 0)).toBe(gpu.minNodes);
      // Prod 100k: the floor on demand (2 nodes a reclaim cannot take), the burst on spot with a fallback.
      if (stack === "prod" && tier === "100k") {
        expect((named(g, "inference-gpu-base").inputs as Obj).capacityType).toBe("ON_DEMAND");
        expect((named(g, "inference-gpu-base").inputs as Obj).scalingConfig).toEqual({ minSize: 2, maxSize: 2, desiredSize: 2 });
        expect((named(g, "inference-gpu-primary").inputs as Obj).capacityType).toBe("SPOT");
        expect((named(g, "inference-gpu-primary").inputs as Obj).scalingConfig).toEqual({ minSize: 0, maxSize: 7, desiredSize: 0 });
      }
      // Scale to zero where (and only where) the table says so.
      const gpuMin = groups.reduce((sum, n) => sum + ((n.inputs as Obj).scalingConfig.minSize as number), 0);
      expect(gpuMin).toBe(tier === "1k" || stack === "dev" ? 0 : gpu.minNodes);
    });

    it("launches nodes with IMDSv2 (hop limit 1), an encrypted gp3 root volume and the right security groups", async () => {
      const g = await rendered(stack, tier);
      const clusterSg = `sg-`;
      for (const [role, disk] of [
        ["system", g.config.sizing.systemNodes.diskGiB],
        ["gpu", g.config.sizing.gpu.diskGiB],
      ] as const) {
        const lt = named(g, `inference-${role}-lt`).inputs as Obj;
        expect(lt.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
        expect(lt.blockDeviceMappings[0].ebs).toMatchObject({
          volumeSize: disk,
          volumeType: "gp3",
          encrypted: "true",
          kmsKeyId: g.outputs.kmsKeyArn,
        });
        expect(lt.imageId).toBeUndefined();
        expect(lt.vpcSecurityGroupIds.every((id: string) => id.startsWith(clusterSg))).toBe(true);
      }
      const gpuSg = named(g, "network-gpuNodes-sg");
      const gpuLt = named(g, "inference-gpu-lt").inputs as Obj;
      expect(gpuLt.vpcSecurityGroupIds).toHaveLength(2);
      expect(gpuLt.vpcSecurityGroupIds[0]).toMatch(/^sg-/);
      expect(gpuSg.type).toBe("aws:ec2/securityGroup:SecurityGroup");
      for (const group of gpuGroups(g)) {
        expect((group.inputs as Obj).launchTemplate.version).toBe("1");
      }
    });

    it("gives each node role exactly the three managed node policies", async () => {
      const g = await rendered(stack, tier);
      for (const role of ["system", "gpu"]) {
        const attached = ofType(g, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
          .filter((a) => a.name.startsWith(`inference-${role}-node-`))
          .map((a) => a.inputs.policyArn)
          .sort();
        expect(attached).toEqual(Object.values(NODE_MANAGED_POLICIES).sort());
      }
    });

    it("tags every GPU node group's ASG for scale-from-zero (labels, taint, GPU capacity) and auto-discovery", async () => {
      const g = await rendered(stack, tier);
      const clusterName = `inference-platform-${stack}-eks`;
      const tags = ofType(g, "aws:autoscaling/tag:Tag");
      for (const group of gpuGroups(g)) {
        const pool = group.name.replace("inference-gpu-", "");
        const asg = `eks-${group.name}-`;
        const onGroup = Object.fromEntries(
          tags
            .filter((t) => String(t.inputs.autoscalingGroupName).startsWith(asg))
            .map((t) => [(t.inputs.tag as Obj).key, (t.inputs.tag as Obj).value]),
        );
        expect(onGroup).toEqual({
          "k8s.io/cluster-autoscaler/enabled": "true",
          [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
          "k8s.io/cluster-autoscaler/node-template/label/nvidia.com/gpu.present": "true",
          "k8s.io/cluster-autoscaler/node-template/label/platform.io/gpu-pool": pool,
          "k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator": "nvidia-l4",
          "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": "true:NoSchedule",
          "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "1",
        });
      }
      expect(tags).toHaveLength(gpuGroups(g).length * 7);
    });
  });

  describe("add-ons", () => {
    it("installs every chart at its pinned version, GPU DaemonSets tolerating the taint on GPU nodes only", async () => {
      const g = await rendered(stack, tier);
      for (const spec of Object.values(HELM_CHARTS)) {
        const chart = named(g, `inference-${spec.chart}`).inputs as Obj;
        expect(chart).toMatchObject({ chart: spec.chart, version: spec.version, repositoryOpts: { repo: spec.repo } });
      }
      for (const chart of ["nvidia-device-plugin", "dcgm-exporter"]) {
        const values = chartValues(g, chart);
        expect(values.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        expect(values.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
      }
    });

    it("turns off the LB controller's Service mutator webhook, which would fail other charts' Services while it starts", async () => {
      const g = await rendered(stack, tier);
      const values = chartValues(g, "aws-load-balancer-controller");
      expect(values.enableServiceMutatorWebhook).toBe(false);
      expect(values).toMatchObject({ clusterName: `inference-platform-${stack}-eks`, region: "us-east-1" });
      // Two replicas by default; the PDB keeps one (and its webhooks) through a node drain.
      expect(values.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
      // Without the webhook, Triton's Service must name the controller's class itself (when it has an NLB).
      if (g.config.sizing.triton.endpoint === "loadBalancer") {
        expect((named(g, "inference-triton-svc").inputs as Obj).spec.loadBalancerClass).toBe("service.k8s.aws/nlb");
      }
    });

    it("runs the autoscaler on auto-discovery with the priority expander preferring the primary pool", async () => {
      const g = await rendered(stack, tier);
      const values = chartValues(g, "cluster-autoscaler");
      expect(values.autoDiscovery.clusterName).toBe(`inference-platform-${stack}-eks`);
      expect(values.image.tag).toBe(CLUSTER_AUTOSCALER_IMAGE_TAGS[g.config.kubernetesVersion]);
      expect(values.extraArgs.expander).toBe("priority");
      const prefix = (named(g, "inference-gpu-primary").inputs as Obj).nodeGroupNamePrefix as string;
      const asgName = `eks-${prefix}abc-1234`;
      const priorityOf = (asg: string) =>
        Math.max(...Object.entries(values.expanderPriorities as Record<string, string[]>)
          .filter(([, patterns]) => patterns.some((p) => new RegExp(`^${p}$`).test(asg)))
          .map(([priority]) => Number(priority)));
      expect(priorityOf(asgName)).toBeGreaterThan(priorityOf(asgName.replace("gpu-primary-", "gpu-fallback-")));
      // No consolidation of busy GPU nodes: Triton's disk-backed emptyDirs already keep the autoscaler
      // from draining its node (skip-nodes-with-local-storage, default true), and an eviction is not a
      // surge: the replica would be down for a cold start (docs/inference.md, "GPU pools").
      expect(values.extraArgs["scale-down-gpu-utilization-threshold"]).toBeUndefined();
      expect(values.extraArgs["skip-nodes-with-local-storage"]).toBeUndefined();
    });

    it("scopes the autoscaler's mutating calls to this cluster's tagged groups and the LB controller to this cluster's tag", async () => {
      const g = await rendered(stack, tier);
      const clusterName = `inference-platform-${stack}-eks`;
      const cas = rolePolicy(g, "inference-cluster-autoscaler-role");
      const scale = cas.Statement.find((s) => actions(s).includes("autoscaling:SetDesiredCapacity"))!;
      expect(scale.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } });
      const lbc = rolePolicy(g, "inference-lb-controller-role");
      const create = lbc.Statement.find((s) => actions(s).includes("elasticloadbalancing:CreateLoadBalancer"))!;
      expect(create.Condition).toEqual({ StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": clusterName } });
      for (const doc of [cas, lbc, rolePolicy(g, "inference-keda-role"), rolePolicy(g, "inference-otel-collector-role")]) {
        for (const s of doc.Statement) expect(actions(s).every((a) => !a.includes("*"))).toBe(true);
      }
    });

    it("writes the inference metrics with one dimension, the collector role writing only its own log group", async () => {
      const g = await rendered(stack, tier);
      const values = chartValues(g, "opentelemetry-collector");
      expect(values.mode).toBe("deployment");
      expect(values.image.repository).toBe("otel/opentelemetry-collector-contrib");
      const emf = values.config.exporters.awsemf;
      expect(emf.namespace).toBe(`inference-platform/${stack}/Inference`);
      expect(emf.metric_declarations).toEqual([{ dimensions: [["ClusterName"]], metric_name_selectors: Object.values(INFERENCE_METRICS) }]);
      const jobs = values.config.receivers.prometheus.config.scrape_configs;
      expect(jobs.map((j: Obj) => j.relabel_configs[0].regex)).toEqual([String(PORTS.tritonMetrics), String(PORTS.dcgmMetrics)]);
      // awsemf keys its counter deltas by data-point labels only (not resource attributes, where the
      // receiver puts job/instance): each pod, model and GPU must keep a label of its own.
      for (const job of jobs) {
        expect(job.relabel_configs).toContainEqual({ source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" });
        const keep = (job.metric_relabel_configs as Obj[]).find((r) => r.action === "labelkeep")!;
        for (const label of ["__name__", "ClusterName", "pod", "model", "version", "gpu"]) {
          expect(new RegExp(keep.regex).test(label), label).toBe(true);
        }
        expect(new RegExp(keep.regex).test("UUID")).toBe(false);
      }
      const logGroup = named(g, "inference-metrics-logs").inputs;
      expect(emf.log_group_name).toBe(logGroup.name);
      const doc = rolePolicy(g, "inference-otel-collector-role");
      const write = doc.Statement.find((s) => actions(s).includes("logs:PutLogEvents"))!;
      expect(resources(write).every((r) => r.startsWith(`arn:aws:logs:us-east-1:123456789012:log-group:${String(logGroup.name)}`))).toBe(true);
      expect(doc.Statement.flatMap(actions)).not.toContain("cloudwatch:PutMetricData");
    });
  });

  describe("triton", () => {
    it("runs the configured image against the S3 model prefix with named ports, probes and a GPU limit", async () => {
      const g = await rendered(stack, tier);
      const c = tritonContainer(g);
      const sizing = g.config.sizing.triton;
      expect(c.image).toBe(g.config.images.triton);
      expect(c.args).toEqual(tritonArgs(g.outputs.modelsBucket as string, g.config.modelRepositoryPrefix, TRITON_TLS_FLAGS));
      expect(c.args[1]).toBe(`--model-repository=s3://${String(g.outputs.modelsBucket)}/${g.config.modelRepositoryPrefix}`);
      expect(c.ports.map((p: Obj) => [p.name, p.containerPort])).toEqual([
        ["http", 8000],
        ["grpc", 8001],
        ["metrics", 8002],
      ]);
      expect(c.resources.limits).toEqual({ cpu: sizing.cpuLimit, memory: sizing.memoryLimit, "nvidia.com/gpu": "1" });
      expect(c.resources.requests).toEqual({ cpu: sizing.cpuRequest, memory: sizing.memoryRequest, "nvidia.com/gpu": "1" });
      expect(c.livenessProbe.httpGet).toEqual({ path: "/v2/health/live", port: "http" });
      expect(c.readinessProbe.httpGet).toEqual({ path: "/v2/health/ready", port: "http" });
      expect(c.startupProbe.httpGet.path).toBe("/v2/health/live");
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
    });

    it("schedules only on GPU nodes, non-root with a read-only root filesystem and memory-backed /dev/shm", async () => {
      const g = await rendered(stack, tier);
      const pod = (named(g, "inference-triton").inputs as Obj).spec.template.spec;
      const c = pod.containers[0];
      expect(pod.nodeSelector).toEqual({ "nvidia.com/gpu.present": "true" });
      expect(pod.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" });
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: TRITON_USER_ID, seccompProfile: { type: "RuntimeDefault" } });
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ["ALL"] },
      });
      const volumes = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v]));
      expect(volumes.dshm.emptyDir).toEqual({ medium: "Memory", sizeLimit: g.config.sizing.triton.shmSize });
      const mounts = Object.fromEntries(c.volumeMounts.map((m: Obj) => [m.mountPath, m.name]));
      expect(mounts["/dev/shm"]).toBe("dshm");
      expect(volumes[mounts["/tmp"]].emptyDir).toEqual({});
      expect(pod.serviceAccountName).toBe("triton");
    });

    it("reads models through an IRSA role limited to the models prefix", async () => {
      const g = await rendered(stack, tier);
      const sa = (named(g, "inference-triton-sa").inputs as Obj).metadata;
      const role = named(g, "inference-triton-role");
      expect(sa.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d+:role\/inference-triton-role/);
      const trust = json<Obj>(role.inputs.assumeRolePolicy);
      expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:triton:triton");
      const doc = rolePolicy(g, "inference-triton-role");
      const all = doc.Statement.flatMap(actions);
      expect(all).toContain("s3:GetObject");
      expect(all.some((a) => /^s3:(Put|Delete)/.test(a))).toBe(false);
      const objectResources = doc.Statement.filter((s) => actions(s).includes("s3:GetObject")).flatMap(resources);
      expect(objectResources.every((r) => r.endsWith(`/${g.config.modelRepositoryPrefix}/*`))).toBe(true);
    });

    it("scales with KEDA between the tier's bounds on queue time and GPU utilisation read from CloudWatch", async () => {
      const g = await rendered(stack, tier);
      const sizing = g.config.sizing.triton;
      const deployment = named(g, "inference-triton").inputs as Obj;
      expect(deployment.spec.replicas).toBe(sizing.minReplicas);
      const so = named(g, "inference-triton-scaler").inputs as Obj;
      expect(so.apiVersion).toBe("keda.sh/v1alpha1");
      expect(so.spec).toMatchObject({
        scaleTargetRef: { name: deployment.metadata.name },
        minReplicaCount: sizing.minReplicas,
        maxReplicaCount: sizing.maxReplicas,
        cooldownPeriod: sizing.cooldownSeconds,
      });
      const [queueTime, gpuUtil] = so.spec.triggers as Obj[];
      expect(queueTime.type).toBe("aws-cloudwatch");
      expect(queueTime.metadata.targetMetricValue).toBe(String(sizing.queueTimeTargetUs));
      expect(queueTime.metadata.expression).toContain(`MetricName="${INFERENCE_METRICS.queueDurationUs}"`);
      expect(queueTime.metadata.expression).toContain(`) / SUM(`);
      // CloudWatch needs names with non-alphanumeric characters double-quoted in the search schema.
      expect(queueTime.metadata.expression).toContain(`SEARCH('{"inference-platform/${stack}/Inference",ClusterName} `);
      expect(gpuUtil.metadata).toMatchObject({
        metricName: INFERENCE_METRICS.gpuUtilisation,
        namespace: `inference-platform/${stack}/Inference`,
        dimensionName: "ClusterName",
        targetMetricValue: String(sizing.gpuUtilisationTargetPercent),
      });
      const auth = named(g, "inference-triton-keda-auth").inputs as Obj;
      expect(auth.spec.podIdentity).toEqual({ provider: "aws", identityOwner: "keda" });
      for (const t of so.spec.triggers as Obj[]) expect(t.authenticationRef.name).toBe(auth.metadata.name);
    });

    it("wakes from zero on any job in any job queue, KEDA allowed to read exactly those queues", async () => {
      const g = await rendered(stack, tier);
      const so = named(g, "inference-triton-scaler").inputs as Obj;
      const sqs = (so.spec.triggers as Obj[]).filter((t) => t.type === "aws-sqs-queue");
      const jobUrls = Object.values(g.outputs.jobQueueUrls as Record<string, string>);
      expect(jobUrls.length).toBeGreaterThan(0);
      const queueUrls = [...jobUrls, g.outputs.tritonWakeQueueUrl as string];
      expect(sqs.map((t) => t.metadata.queueURL).sort()).toEqual([...queueUrls].sort());
      for (const t of sqs) {
        expect(t.metadata.activationQueueLength).toBe("0");
        expect(Number(t.metadata.queueLength)).toBeGreaterThan(0);
      }
      const keda = rolePolicy(g, "inference-keda-role");
      const read = keda.Statement.find((s) => actions(s).includes("sqs:GetQueueAttributes"))!;
      expect(resources(read)).toHaveLength(queueUrls.length);
      expect(resources(read).every((arn) => arn.startsWith("arn:aws:sqs:us-east-1:"))).toBe(true);
    });

    it("a synchronous request wakes Triton from zero: wake queue, KEDA trigger and read, gateway send and env, at every tier", async () => {
      const g = await rendered(stack, tier);
      const { triton } = g.config.sizing;
      const queues = ofType(g, "aws:sqs/queue:Queue").filter((q) => q.name === "inference-triton-wake");
      // At every tier, also where Triton keeps a replica: a tier switch never creates or deletes the
      // queue (test/tier-switch.test.ts), and the trigger is inert above zero.
      expect(queues).toHaveLength(1);
      const queue = queues[0];
      const url = g.outputs.tritonWakeQueueUrl as string;
      const arn = `arn:aws:sqs:us-east-1:123456789012:${String(queue.inputs.name)}`;
      expect(url).toMatch(new RegExp(`/${String(queue.inputs.name)}$`));
      // Nobody consumes it: messages expire within minutes, so an idle platform returns to zero.
      expect(queue.inputs).toMatchObject({ messageRetentionSeconds: TRITON_WAKE.messageRetentionSeconds, kmsMasterKeyId: g.outputs.kmsKeyArn });
      // A wake message outlives several KEDA polls plus SQS's approximate-count lag, stays a signal
      // (no DLQ: at most 5 minutes) and expires well before the cooldown would keep Triton up.
      expect(TRITON_WAKE.messageRetentionSeconds).toBeGreaterThanOrEqual(3 * KEDA_POLLING_INTERVAL_SECONDS + 60);
      expect(TRITON_WAKE.messageRetentionSeconds).toBeLessThanOrEqual(300);
      // KEDA: an aws-sqs-queue trigger on it that activates on the first message...
      const so = named(g, "inference-triton-scaler").inputs as Obj;
      const trigger = (so.spec.triggers as Obj[]).find((t) => t.type === "aws-sqs-queue" && t.metadata.queueURL === url);
      expect(trigger?.metadata).toMatchObject({ activationQueueLength: "0", queueLength: String(TRITON_WAKE.queueLengthPerReplica), awsRegion: "us-east-1" });
      expect(so.spec.minReplicaCount).toBe(triton.minReplicas);
      // ...with the operator's role allowed to read its depth, and nothing more on it.
      const keda = rolePolicy(g, "inference-keda-role");
      const onWake = keda.Statement.filter((s) => resources(s).includes(arn)).flatMap(actions);
      expect(onWake).toContain("sqs:GetQueueAttributes");
      expect(onWake).not.toContain("sqs:ReceiveMessage");
      // The gateway may send to it (SSE-KMS: the stack key), never read it; it knows the URL.
      const gateway = statementsOf(g, "gateway-api-task-policy");
      const onWakeGw = gateway.filter((s) => [s.Resource].flat().includes(arn)).flatMap((s) => [s.Action].flat());
      expect(onWakeGw).toEqual(["sqs:SendMessage"]);
      expect(gateway.some((s) => [s.Action].flat().includes("kms:GenerateDataKey") && [s.Resource].flat().includes(g.outputs.kmsKeyArn as string))).toBe(true);
      const env = (json<Obj[]>(named(g, "gateway-api-task").inputs.containerDefinitions)[0].environment as { name: string; value: string }[]);
      expect(env.find((e) => e.name === "TRITON_WAKE_QUEUE_URL")?.value).toBe(url);
      // Workers need no wake signal: their queued job already wakes Triton.
      const workerPolicies = ofType(g, "aws:iam/rolePolicy:RolePolicy").filter((r) => /^workers-.*-task-policy$/.test(r.name));
      for (const p of workerPolicies) expect(String(p.inputs.policy)).not.toContain(String(queue.inputs.name));
    });

    it("names Triton triton.<zone> in a private zone through ExternalDNS at every tier (the pods at 1k, the NLB above)", async () => {
      const g = await rendered(stack, tier);
      const svc = named(g, "inference-triton-svc").inputs as Obj;
      const zone = named(g, "inference-private-zone").inputs as Obj;
      expect(zone.name).toBe(`inference-platform-${stack}.internal`);
      expect(zone.vpcs).toEqual([expect.objectContaining({ vpcId: expect.stringMatching(/^vpc-/) })]);
      expect(svc.metadata.annotations["external-dns.alpha.kubernetes.io/hostname"]).toBe(`triton.${String(zone.name)}`);
      expect(g.outputs.tritonGrpcUrl).toBe(`triton.${String(zone.name)}:8001`);
      expect(g.outputs).not.toHaveProperty("tritonHttpUrl");
      if (g.config.sizing.triton.endpoint === "privateDns") {
        expect(tier).toBe("1k");
        expect(g.config.sizing.triton.maxReplicas).toBe(1);
        // Headless: no cluster IP (unreachable from Fargate anyway), ExternalDNS publishes the pod IPs.
        expect(svc.spec).toMatchObject({ type: "ClusterIP", clusterIP: "None" });
        expect(svc.spec.loadBalancerClass).toBeUndefined();
      }
      // Negative answers cached seconds, not Route 53's default 15 minutes: a woken Triton is found at once.
      const soa = named(g, "inference-private-zone-soa").inputs as Obj;
      expect(soa.type).toBe("SOA");
      expect(String(soa.records[0]).split(" ").at(-1)).toBe(String(TRITON_PRIVATE_DNS.negativeTtlSeconds));
      // The mock answers the zone's primary name server as the provider does for a private zone, with a
      // trailing dot; the SOA's MNAME must carry exactly one (an empty label makes Route 53 refuse it).
      expect(String(soa.records[0])).toMatch(/^[a-z0-9.-]*[a-z0-9]\. awsdns-hostmaster\.amazon\.com\. /);
      // ExternalDNS: only this zone, private zones only, its own IRSA role limited to the zone's records.
      const chart = named(g, "inference-external-dns").inputs as Obj;
      expect(chart.version).toBe(HELM_CHARTS.externalDns.version);
      // By zone id too: another region's private zone of the same name is not this role's to change.
      expect(chart.values).toMatchObject({ domainFilters: [zone.name], extraArgs: ["--aws-zone-type=private", expect.stringMatching(/^--zone-id-filter=Z[0-9A-Z]+$/)], sources: ["service"] });
      const policy = JSON.parse(named(g, "inference-external-dns-policy").inputs.policy as string);
      const change = policy.Statement.find((st: Obj) => [st.Action].flat().includes("route53:ChangeResourceRecordSets"));
      // The zone ExternalDNS is told to change is the one its role may change.
      expect(change.Resource).toBe(`arn:aws:route53:::hostedzone/${String(chart.values.extraArgs[1]).split("=")[1]}`);
      // The clients reach the pods on the GPU nodes' group directly (1k) or through the NLB's group, on
      // gRPC (TLS) only: HTTP 8000 is reachable from the NLB's health check alone.
      const ingress = ofType(g, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      const portsFrom = (to: string, from: string) =>
        ingress.filter((r) => r.inputs.securityGroupId === named(g, `network-${to}-sg`).id && r.inputs.referencedSecurityGroupId === named(g, `network-${from}-sg`).id).map((r) => r.inputs.fromPort).sort();
      for (const role of ["gateway", "workers"]) {
        expect(portsFrom("gpuNodes", role)).toEqual([PORTS.tritonGrpc]);
        expect(portsFrom("tritonLoadBalancer", role)).toEqual([PORTS.tritonGrpc]);
      }
      expect(portsFrom("gpuNodes", "tritonLoadBalancer")).toEqual([PORTS.tritonHttp, PORTS.tritonGrpc]);
    });

    it("exposes only gRPC (8001) through an internal NLB on the network's Triton LB security group, health-checked on 8000 (10k and up)", async () => {
      const g = await rendered(stack, tier);
      const svc = named(g, "inference-triton-svc").inputs as Obj;
      expect(svc.spec.ports.map((p: Obj) => p.port)).toEqual([PORTS.tritonGrpc]);
      if (g.config.sizing.triton.endpoint === "privateDns") return;
      expect(svc.spec.type).toBe("LoadBalancer");
      const a = svc.metadata.annotations;
      expect(a["service.beta.kubernetes.io/aws-load-balancer-healthcheck-port"]).toBe(String(PORTS.tritonHttp));
      expect(a["service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"]).toBe("/v2/health/ready");
      expect(a["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
      expect(a["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"]).toBe("ip");
      expect(a["service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules"]).toBe("false");
      expect(a["service.beta.kubernetes.io/aws-load-balancer-security-groups"]).toMatch(/^sg-/);
      // Pods count as Ready only once the NLB reports them healthy (LB controller readiness gate).
      const ns = (named(g, "inference-triton-ns").inputs as Obj).metadata;
      expect(ns.labels).toEqual({ "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
      expect(g.outputs.clusterName).toBe(`inference-platform-${stack}-eks`);
    });

    it("drains in-flight requests on shutdown: preStop outlasts the NLB's deregistration, the grace period covers both", async () => {
      const g = await rendered(stack, tier);
      const pod = (named(g, "inference-triton").inputs as Obj).spec.template.spec;
      const container = pod.containers[0];
      expect(container.lifecycle.preStop.exec.command).toEqual(["sleep", String(TRITON_TIMINGS.preStopSleepSeconds)]);
      const annotations = (named(g, "inference-triton-svc").inputs as Obj).metadata.annotations;
      if (g.config.sizing.triton.endpoint === "privateDns") {
        // No NLB to drain from; the record goes when the pod stops being Ready, the sleep outlasts its TTL.
        expect(TRITON_TIMINGS.preStopSleepSeconds).toBeGreaterThan(TRITON_PRIVATE_DNS.recordTtlSeconds);
        return;
      }
      expect(annotations["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"]).toBe(
        `deregistration_delay.timeout_seconds=${TRITON_TIMINGS.deregistrationDelaySeconds}`,
      );
      expect(TRITON_TIMINGS.preStopSleepSeconds).toBeGreaterThanOrEqual(TRITON_TIMINGS.deregistrationDelaySeconds);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(TRITON_TIMINGS.preStopSleepSeconds);
    });

    it("has a PDB exactly when more than one replica can exist, and a NetworkPolicy limiting each port's sources", async () => {
      const g = await rendered(stack, tier);
      const pdbs = ofType(g, "kubernetes:policy/v1:PodDisruptionBudget");
      expect(pdbs).toHaveLength(g.config.sizing.triton.maxReplicas > 1 ? 1 : 0);
      if (pdbs.length) expect((pdbs[0].inputs as Obj).spec.maxUnavailable).toBe(1);
      const np = (named(g, "inference-triton-netpol").inputs as Obj).spec;
      expect(np.policyTypes).toEqual(["Ingress"]);
      const [clients, metrics] = np.ingress as Obj[];
      // Only the private subnets (where the internal NLB's addresses are), one block each, never the VPC.
      const privateSubnetIds = g.outputs.privateSubnetIds as string[];
      expect(privateSubnetIds).toHaveLength(g.config.sizing.network.availabilityZones);
      const privateCidrs = privateSubnetIds.map(
        (id) => mockCall({ token: "aws:ec2/getSubnet:getSubnet", inputs: { id } } as never).cidrBlock as string,
      );
      expect(clients.from).toEqual(privateCidrs.map((cidr) => ({ ipBlock: { cidr } })));
      expect(privateCidrs).not.toContain(g.config.sizing.network.vpcCidr);
      expect(clients.ports.map((p: Obj) => p.port)).toEqual([8000, 8001]);
      expect(metrics.from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
      expect(metrics.ports.map((p: Obj) => p.port)).toEqual([8002]);
    });
  });

  it("switching to A10G swaps the GPU node groups to g5 and leaves the cluster untouched", async () => {
    const l4 = await rendered(stack, tier);
    const a10g = await rendered(stack, tier, { gpuType: "a10g" });
    for (const group of gpuGroups(a10g)) {
      expect((group.inputs as Obj).instanceTypes).toEqual(a10g.config.sizing.gpu.instanceTypes.a10g);
      expect((group.inputs as Obj).instanceTypes.every((t: string) => t.startsWith("g5."))).toBe(true);
      expect((group.inputs as Obj).labels["k8s.amazonaws.com/accelerator"]).toBe("nvidia-a10g");
      expect(group.urn).toBe(named(l4, group.name).urn);
    }
    expectSameCluster(l4, a10g);
  });
});

function expectSameCluster(a: RenderedGraph, b: RenderedGraph): void {
  const ca = named(a, "inference-cluster");
  const cb = named(b, "inference-cluster");
  expect(cb.urn).toBe(ca.urn);
  for (const key of REPLACEMENT_INPUTS_OF_CLUSTER) expect([key, cb.inputs[key]]).toEqual([key, ca.inputs[key]]);
  expect(named(b, "inference-cluster-role").urn).toBe(named(a, "inference-cluster-role").urn);
  expect(named(b, "inference-oidc").inputs).toEqual(named(a, "inference-oidc").inputs);
}

describe("tier switches", () => {
  it.each(["dev", "prod"])("%s: 1k → 10k → 100k resizes node groups and Triton in place, never the cluster", async (stack) => {
    const [small, medium, large] = await Promise.all([rendered(stack, "1k"), rendered(stack, "10k"), rendered(stack, "100k")]);
    expectSameCluster(small, medium);
    expectSameCluster(medium, large);
    const primary = (g: RenderedGraph) => named(g, "inference-gpu-primary");
    expect(primary(large).urn).toBe(primary(small).urn);
    expect((primary(large).inputs as Obj).scalingConfig.maxSize).toBeGreaterThan((primary(small).inputs as Obj).scalingConfig.maxSize);
    expect(named(large, "inference-triton").urn).toBe(named(small, "inference-triton").urn);
  });
});

describe("Kubernetes version pins", () => {
  // The versions config validation accepts, the EKS add-on pins and the autoscaler image tags are
  // declared in three places; a version added to one and not the others would pass validation and
  // then fail (or run an unpinned add-on) at deploy time.
  it("the supported versions are exactly the keys of EKS_ADDONS and of CLUSTER_AUTOSCALER_IMAGE_TAGS", () => {
    const supported = [...SUPPORTED_KUBERNETES_VERSIONS].sort();
    expect(Object.keys(EKS_ADDONS).sort()).toEqual(supported);
    expect(Object.keys(CLUSTER_AUTOSCALER_IMAGE_TAGS).sort()).toEqual(supported);
  });
});

describe("refusals", () => {
  it("refuses a Kubernetes version without add-on pins, naming the key", () => {
    expect(() => addonVersionsFor("1.20")).toThrowError("`kubernetesVersion` 1.20 has no add-on pins");
  });
  it("refuses a system node group mixing Graviton and x86", () => {
    expect(systemAmiType(["t4g.medium"])).toBe("AL2023_ARM_64_STANDARD");
    expect(systemAmiType(["t3.medium"])).toBe("AL2023_x86_64_STANDARD");
    expect(() => systemAmiType(["t4g.medium", "t3.medium"])).toThrowError("`systemNodes.instanceTypes` mixes Graviton and x86");
  });
  it("refuses GPU instance types with different GPU counts in one group", () => {
    expect(gpusPerNode(["g6.xlarge", "g6.2xlarge"])).toBe(1);
    expect(gpusPerNode(["g5.12xlarge"])).toBe(4);
    expect(() => gpusPerNode(["g6.xlarge", "g6.12xlarge"])).toThrowError("have different GPU counts");
    expect(autoscalerTagsFor("c", "primary", 4, "nvidia-a10g")["k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu"]).toBe("4");
  });
  it("labels each GPU family with the autoscaler's accelerator name and refuses a group mixing families", () => {
    expect(acceleratorOf(["g6.xlarge", "g6.2xlarge"])).toBe("nvidia-l4");
    expect(acceleratorOf(["g5.xlarge"])).toBe("nvidia-a10g");
    expect(autoscalerTagsFor("c", "primary", 1, "nvidia-a10g")["k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator"]).toBe("nvidia-a10g");
    expect(() => acceleratorOf(["g5.xlarge", "g6.xlarge"])).toThrowError("mix GPU models (nvidia-a10g, nvidia-l4)");
    expect(() => gpusPerNode(["p9.mega"])).toThrowError("p9.mega is not in the instance catalogue");
  });
});

describe("cold start: SOCI parallel pull on the GPU nodes (gpu.fastImagePull, opt-in)", () => {
  it("is off by default: GPU launch template keeps EKS's user data and the gp3 baseline", async () => {
    const g = await rendered("prod", "1k");
    const lt = named(g, "inference-gpu-lt").inputs as Obj;
    expect(lt.userData).toBeUndefined();
    expect(lt.blockDeviceMappings[0].ebs.throughput).toBeUndefined();
  });

  it("when on: a NodeConfig part with FastImagePull, the root volume at the configured throughput, and the throughput priced", async () => {
    const overrides = JSON.stringify({ gpu: { fastImagePull: true, fastImagePullThroughputMiBps: 600 } });
    const g = await rendered("prod", "1k", { overrides });
    const lt = named(g, "inference-gpu-lt").inputs as Obj;
    const userData = Buffer.from(String(lt.userData), "base64").toString("utf8");
    expect(userData).toContain("Content-Type: application/node.eks.aws");
    expect(userData).toMatch(/featureGates:\n\s+FastImagePull: true/);
    expect(lt.blockDeviceMappings[0].ebs).toMatchObject({ throughput: 600, volumeType: "gp3", encrypted: "true" });
    // The system nodes are untouched.
    expect((named(g, "inference-system-lt").inputs as Obj).userData).toBeUndefined();
    const cost = estimateCost(g, g.config.sizing);
    const line = cost.lines.find((l) => l.item.startsWith("EBS gp3 throughput 600 MiB/s") && l.item.includes("gpu-primary"));
    expect(line?.unitUsd).toBe(0.04);
    expect(line?.floorUsd).toBe(0); // 1k: no GPU node before traffic
  });
});
