/**
 * Every rule against its own fixtures: the compliant reference graph passes it, and a one-line
 * mutation of that graph makes it fire (on the mutated resource). Plus the rule table's own
 * invariants and the CrossGuard wrapping.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { EKS_STANDARD_SUPPORT_FLOOR } from "../../policy/rules/compute";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../sizing";
import { evaluatePolicies, isGraphRule, type PolicyGraph, type PolicyResource, RULES, STAR_RESOURCE_ACTIONS } from "../../policy/index";
import { GOOD_CONTAINER, GOOD_ECS_CONTAINER, goodGraph, identityPolicy, json, pod, res } from "./fixtures";
import { isRelative, moduleSpecifiers, typeScriptSources } from "../support/imports";

type Graph = PolicyGraph;
const find = (g: Graph, name: string): PolicyResource => {
  const r = g.resources.find((x) => x.name === name);
  if (!r) throw new Error(`fixture has no ${name}`);
  return r;
};
/** Sets a dotted input path on a fixture resource. */
const set = (name: string, path: string, value: unknown) => (g: Graph) => {
  const keys = path.split(".");
  let o = find(g, name).inputs as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  if (value === undefined) delete o[keys[keys.length - 1]];
  else o[keys[keys.length - 1]] = value;
};
const drop = (name: string) => (g: Graph) => {
  g.resources = g.resources.filter((r) => r.name !== name);
};
const add = (r: PolicyResource) => (g: Graph) => {
  g.resources.push(r);
};
const ecs = (patch: Record<string, unknown>) => set("gateway-task", "containerDefinitions", json([{ ...GOOD_ECS_CONTAINER, ...patch }]));
const k8s = (patch: Record<string, unknown>, podExtra: Record<string, unknown> = {}) => set("triton", "spec", pod({ ...GOOD_CONTAINER, ...patch }, podExtra).spec);
const k8sSecurity = (patch: Record<string, unknown>) => k8s({ securityContext: { ...(GOOD_CONTAINER.securityContext as object), ...patch } });
const policy = (statements: Record<string, unknown>[]) => set("gateway-task-policy", "policy", identityPolicy(statements));
const world = (port: number, sg = "sg-alb") =>
  add(res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `world-${port}-${sg}`, { securityGroupId: sg, cidrIpv4: "0.0.0.0/0", fromPort: port, toPort: port, ipProtocol: "tcp", description: "x" }));

/** For each rule: the mutation that must make it fire. */
const BREAK: Record<string, (g: Graph) => void> = {
  "s3-bucket-versioning": set("models-versioning", "versioningConfiguration.status", "Suspended"),
  "s3-bucket-sse-kms": set("models-encryption", "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]),
  "s3-bucket-public-access-block": drop("models-public-access"),
  "s3-bucket-tls-only": set("models-policy", "policy", identityPolicy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:GetObject", Resource: "*" }])),
  "s3-bucket-owner-enforced": set("models-ownership", "rule.objectOwnership", "ObjectWriter"),
  "s3-bucket-lifecycle": drop("models-lifecycle"),
  "s3-bucket-access-logging": drop("models-access-logging"),
  "s3-policy-no-public-principal": set("models-policy", "policy", identityPolicy([{ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }])),
  "s3-bucket-no-force-destroy": set("models", "forceDestroy", true),
  "s3-bucket-no-acl": set("models", "acl", "public-read"),
  "rds-storage-encrypted": set("db", "storageEncrypted", false),
  "rds-not-public": set("db", "publiclyAccessible", true),
  "rds-multi-az": set("db", "multiAz", false),
  "rds-backup-retention": set("db", "backupRetentionPeriod", 0),
  "rds-deletion-protection": set("db", "deletionProtection", false),
  "rds-final-snapshot": set("db", "skipFinalSnapshot", true),
  "rds-iam-auth": set("db", "iamDatabaseAuthenticationEnabled", undefined),
  "rds-auto-minor-upgrade": set("db", "autoMinorVersionUpgrade", false),
  "rds-log-exports": set("db", "enabledCloudwatchLogsExports", ["upgrade"]),
  "rds-enhanced-monitoring": set("db", "monitoringInterval", 0),
  "rds-performance-insights": set("db", "performanceInsightsEnabled", false),
  "rds-copy-tags-to-snapshot": set("db", "copyTagsToSnapshot", undefined),
  "rds-custom-admin-username": set("db", "username", "postgres"),
  "rds-private-subnet-group": set("db", "dbSubnetGroupName", undefined),
  "rds-force-ssl": set("db-params", "parameters", [{ name: "log_min_duration_statement", value: "1000" }]),
  "rds-slow-query-logging": set("db-params", "parameters", [{ name: "rds.force_ssl", value: "1" }]),
  "elasticache-at-rest-encryption": set("cache", "atRestEncryptionEnabled", false),
  "elasticache-in-transit-encryption": set("cache", "transitEncryptionEnabled", false),
  "elasticache-auth": set("cache", "authToken", undefined),
  "elasticache-cmk": set("cache", "kmsKeyId", undefined),
  "elasticache-automatic-failover": set("cache", "multiAzEnabled", false),
  "elasticache-has-replica": set("cache", "numCacheClusters", 1),
  "elasticache-backups": set("cache", "snapshotRetentionLimit", 0),
  "elasticache-subnet-group": set("cache", "subnetGroupName", "default"),
  "sqs-encrypted": set("jobs-free", "kmsMasterKeyId", undefined),
  "sqs-cmk": set("jobs-free", "kmsMasterKeyId", "alias/aws/sqs"),
  "sqs-policy-not-public": set("jobs-free-policy", "policy", identityPolicy([{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }])),
  "sqs-has-dlq": add(res("aws:sqs/queue:Queue", "jobs-orphan", { name: "proj-prod-jobs-orphan", kmsMasterKeyId: "k" })),
  "kms-key-rotation": set("keys-key", "enableKeyRotation", false),
  "kms-key-policy-defined": set("keys-key", "policy", undefined),
  "kms-key-policy-no-public-principal": set("keys-key", "policy", identityPolicy([{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }])),
  "kms-key-enabled": set("keys-key", "isEnabled", false),
  "kms-deletion-window": set("keys-key", "deletionWindowInDays", 7),
  "secret-cmk": set("db-secret", "kmsKeyId", undefined),
  "secret-rotation-interval": set("db-secret-rotation", "rotationRules.automaticallyAfterDays", 365),
  "secret-rotation-enabled": drop("db-secret-rotation"),
  "secret-recovery-window": set("db-secret", "recoveryWindowInDays", 0),
  "ecs-service-no-public-ip": set("gateway-service", "networkConfiguration.assignPublicIp", true),
  "ecs-fargate-latest-platform": set("gateway-service", "platformVersion", "1.3.0"),
  "ecs-service-circuit-breaker": set("gateway-service", "deploymentCircuitBreaker.rollback", false),
  "ecs-cluster-container-insights": set("ecs", "settings", [{ name: "containerInsights", value: "disabled" }]),
  "ecs-task-not-privileged": ecs({ privileged: true }),
  "ecs-task-readonly-root": ecs({ readonlyRootFilesystem: false }),
  "ecs-task-no-host-pid": set("gateway-task", "pidMode", "host"),
  "ecs-task-logging": ecs({ logConfiguration: undefined }),
  "ecs-task-no-env-secrets": ecs({ environment: [{ name: "DATABASE_PASSWORD", value: "hunter2" }] }),
  "ecs-task-split-roles": set("gateway-task", "executionRoleArn", "arn:aws:iam::123456789012:role/task"),
  "ecs-task-pinned-image": ecs({ image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/proj-gateway:latest" }),
  "ecs-task-non-root-user": ecs({ user: "0" }),
  "ecr-scan-on-push": set("gateway-repo", "imageScanningConfiguration.scanOnPush", false),
  "ecr-immutable-tags": set("gateway-repo", "imageTagMutability", "MUTABLE"),
  "ecr-kms-encryption": set("gateway-repo", "encryptionConfigurations", [{ encryptionType: "AES256" }]),
  "ecr-lifecycle-policy": drop("gateway-repo-lifecycle"),
  "sns-topic-encrypted": set("alerts", "kmsMasterKeyId", undefined),
  "sns-topic-policy-not-public": set("alerts-policy", "policy", identityPolicy([{ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Publish", Resource: "*" }])),
  "alb-http-redirects-to-https": set("gateway-http", "defaultActions", [{ type: "forward" }]),
  "alb-tls-policy": set("gateway-https", "sslPolicy", "ELBSecurityPolicy-2016-08"),
  "alb-drop-invalid-headers": set("gateway-alb", "dropInvalidHeaderFields", false),
  "alb-access-logs": set("gateway-alb", "accessLogs.enabled", false),
  "alb-deletion-protection": set("gateway-alb", "enableDeletionProtection", false),
  "alb-desync-mitigation": set("gateway-alb", "desyncMitigationMode", "monitor"),
  "alb-multi-az": set("gateway-alb", "subnets", ["subnet-public-a"]),
  "lb-target-group-health-check": set("gateway-targets", "healthCheck.path", undefined),
  "alb-has-waf": drop("waf-association"),
  "waf-has-rules": set("waf", "rules", []),
  "waf-known-bad-inputs": set("waf", "rules", [{ name: "rate", action: { block: {} }, statement: { rateBasedStatement: { limit: 2000 } } }]),
  "waf-rate-limit": set("waf", "rules", [{ name: "bad", overrideAction: { none: {} }, statement: { managedRuleGroupStatement: { name: "AWSManagedRulesKnownBadInputsRuleSet" } } }]),
  "waf-metrics": set("waf", "visibilityConfig.cloudwatchMetricsEnabled", false),
  "waf-logging": drop("waf-logging"),
  "eks-endpoint-restricted": set("eks", "vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]),
  "eks-secrets-encryption": set("eks", "encryptionConfig", undefined),
  "eks-control-plane-logging": set("eks", "enabledClusterLogTypes", ["api"]),
  "eks-supported-version": set("eks", "version", "1.24"),
  "eks-nodegroup-no-open-ssh": set("gpu-nodes", "remoteAccess", { ec2SshKey: "ops" }),
  "eks-spot-gpu-on-demand-fallback": (g) => {
    set("gpu-nodes", "amiType", "AL2023_x86_64_NVIDIA")(g);
    set("gpu-nodes", "capacityType", "SPOT")(g);
    set("gpu-nodes", "scalingConfig", { minSize: 0, maxSize: 2, desiredSize: 0 })(g);
  },
  "launch-template-imdsv2": set("gpu-lt", "metadataOptions.httpTokens", "optional"),
  "launch-template-imds-hop-limit": set("gpu-lt", "metadataOptions.httpPutResponseHopLimit", 2),
  "launch-template-ebs-encrypted": set("gpu-lt", "blockDeviceMappings", [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }]),
  "sg-no-world-admin-ports": world(22, "sg-gateway"),
  "sg-rule-descriptions": set("db-from-gateway", "description", undefined),
  "default-sg-closed": set("default-sg", "ingress", [{ fromPort: 0, toPort: 0, protocol: "-1", self: true }]),
  "subnet-no-auto-public-ip": set("subnet", "mapPublicIpOnLaunch", true),
  "vpc-flow-logs": drop("flow-log"),
  "world-ingress-only-on-alb": world(8080),
  "datastore-ingress-from-platform-groups": add(res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "db-from-office", { securityGroupId: "sg-database", cidrIpv4: "10.0.0.0/8", fromPort: 5432, toPort: 5432, ipProtocol: "tcp", description: "x" })),
  "only-alb-internet-facing": set("gateway-service", "networkConfiguration.subnets", ["subnet-public-a"]),
  "iam-no-star-action": policy([{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }]),
  "iam-no-star-resource": policy([{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]),
  "iam-no-passrole-star": policy([{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }]),
  "iam-no-kms-decrypt-star": policy([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:123456789012:key/*" }]),
  "iam-trust-scoped": set("triton-irsa", "assumeRolePolicy", json({ Statement: [{ Effect: "Allow", Principal: { Federated: "arn:oidc" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "oidc:aud": "sts.amazonaws.com" } } }] })),
  "iam-no-admin-managed-policy": set("node-worker", "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
  "iam-role-no-inline-managed-mix": set("gateway-task-role", "managedPolicyArns", ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
  "log-group-retention": set("api-logs", "retentionInDays", undefined),
  "log-group-retention-year": set("api-logs", "retentionInDays", 30),
  "log-group-kms": set("api-logs", "kmsKeyId", undefined),
  "log-group-rds-exports-managed": drop("db-logs-upgrade"),
  "alarm-has-actions": set("dlq-not-empty", "alarmActions", []),
  "dlq-has-alarm": set("dlq-not-empty", "dimensions.QueueName", "proj-prod-jobs-free"),
  "k8s-resources": k8s({ resources: { requests: { cpu: "1" } } }),
  "k8s-gpu-limit": k8s({ resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" }, limits: { cpu: "1", memory: "1Gi" } } }),
  "k8s-probes": k8s({ readinessProbe: undefined }),
  "k8s-run-as-non-root": (g) => {
    k8s({}, { securityContext: {} })(g);
  },
  "k8s-readonly-root-fs": k8sSecurity({ readOnlyRootFilesystem: false }),
  "k8s-no-privileged": k8sSecurity({ privileged: true }),
  "k8s-no-privilege-escalation": k8sSecurity({ allowPrivilegeEscalation: true }),
  "k8s-drop-capabilities": k8sSecurity({ capabilities: { add: ["NET_ADMIN"] } }),
  "k8s-seccomp": k8s({}, { securityContext: { runAsNonRoot: true } }),
  "k8s-no-host-namespaces": k8s({}, { hostNetwork: true }),
  "k8s-image-pinned": set("dcgm", "spec.template.spec.containers", [{ name: "dcgm", image: "nvcr.io/nvidia/dcgm-exporter" }]),
  "k8s-pdb": set("triton-pdb", "spec.selector.matchLabels", { app: "other" }),
  "k8s-network-policy": set("triton-netpol", "metadata.namespace", "default"),
  "ebs-volume-encrypted": add(res("aws:ebs/volume:Volume", "scratch", { availabilityZone: "us-east-1a", size: 100, encrypted: false })),
  "efs-encrypted": add(res("aws:efs/fileSystem:FileSystem", "shared", { encrypted: true })),
  "rds-cluster-encrypted": add(res("aws:rds/cluster:Cluster", "aurora", { storageEncrypted: false, deletionProtection: true, backupRetentionPeriod: 14 })),
  "rds-cluster-deletion-protection": add(res("aws:rds/cluster:Cluster", "aurora", { storageEncrypted: true, deletionProtection: true, skipFinalSnapshot: true, backupRetentionPeriod: 14 })),
  "rds-cluster-backups": add(res("aws:rds/cluster:Cluster", "aurora", { storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 1 })),
};

describe("rule table", () => {
  it("has at least 50 rules with unique kebab-case ids, and every rule has a failing fixture", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(50);
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(Object.keys(BREAK).sort()).toEqual([...ids].sort());
  });

  it("covers every service the issue names", () => {
    const prefixes = ["ecr-", "sns-", "s3-", "rds-", "elasticache-", "sqs-", "kms-", "secret-", "ecs-", "alb-", "waf-", "eks-", "launch-template-", "sg-", "iam-", "log-group-", "alarm-", "k8s-"];
    for (const p of prefixes) expect(RULES.some((r) => r.id.startsWith(p)), p).toBe(true);
  });

  it("names external controls in the right formats", () => {
    for (const r of RULES) {
      for (const c of r.controls.checkov ?? []) expect(c, r.id).toMatch(/^CKV2?_(AWS|K8S)_\d+$/);
      for (const c of r.controls.fsbp ?? []) expect(c, r.id).toMatch(/^[A-Za-z0-9]+\.\d+$/);
    }
    expect(RULES.filter((r) => (r.controls.checkov ?? []).length + (r.controls.fsbp ?? []).length > 0).length).toBeGreaterThanOrEqual(80);
  });

  it("the documented `*`-resource list has a reason for every action", () => {
    for (const e of STAR_RESOURCE_ACTIONS) {
      expect(e.action).toMatch(/^[a-z0-9-]+:[A-Za-z*]+$/);
      expect(e.reason.length).toBeGreaterThan(10);
    }
  });
});

describe("the compliant reference graph passes every rule", () => {
  it.each(RULES.map((r) => [r.id, r] as const))("%s", (_id, rule) => {
    expect(evaluatePolicies(goodGraph(), [rule])).toEqual([]);
  });
});

describe("each rule fires on its own failing fixture", () => {
  it.each(RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
    const g = goodGraph();
    BREAK[id](g);
    const found = evaluatePolicies(g, [rule]);
    expect(found.length, `${id} did not fire`).toBeGreaterThan(0);
    for (const v of found) {
      expect(v).toMatchObject({ ruleId: id, severity: rule.severity, enforcement: rule.enforcement });
      expect(v.message.length).toBeGreaterThan(5);
    }
  });

  it("a broken fixture trips only the rules about that property (no collateral noise)", () => {
    const g = goodGraph();
    BREAK["rds-multi-az"](g);
    expect(evaluatePolicies(g).map((v) => v.ruleId)).toEqual(["rds-multi-az"]);
  });
});

describe("eks-spot-gpu-on-demand-fallback counts on-demand headroom, per accelerator", () => {
  const rule = RULES.find((r) => r.id === "eks-spot-gpu-on-demand-fallback")!;
  const group = (name: string, capacityType: string | undefined, min: number | undefined, max: number | undefined, accelerator = "nvidia-l4") =>
    res("aws:eks/nodeGroup:NodeGroup", name, {
      amiType: "AL2023_x86_64_NVIDIA",
      ...(capacityType ? { capacityType } : {}),
      scalingConfig: { minSize: min, maxSize: max, desiredSize: min },
      labels: { "k8s.amazonaws.com/accelerator": accelerator },
    });
  const findings = (...groups: ReturnType<typeof res>[]) => evaluatePolicies({ resources: groups }, [rule]).map((v) => v.resourceUrn.split("::").pop());

  it("passes a spot group with an on-demand fallback of the same accelerator that can add as many nodes (prod 100k: base 2/2, spot 0–7, fallback 0–7)", () => {
    expect(findings(group("base", "ON_DEMAND", 2, 2), group("primary", "SPOT", 0, 7), group("fallback", "ON_DEMAND", 0, 7))).toEqual([]);
    // An unset capacity type is EKS's default, on demand.
    expect(findings(group("primary", "SPOT", 0, 2), group("fallback", undefined, 0, 2))).toEqual([]);
  });

  it("does not count a fixed-size on-demand group as a stand-in, nor one of another accelerator", () => {
    expect(findings(group("base", "ON_DEMAND", 2, 2), group("primary", "SPOT", 0, 2))).toEqual(["primary"]);
    expect(findings(group("primary", "SPOT", 0, 2), group("fallback", "ON_DEMAND", 0, 2, "nvidia-a10g"))).toEqual(["primary"]);
  });

  it("cannot tell, and stays silent, while a preview cannot see a group's bounds", () => {
    expect(findings(group("primary", "SPOT", 0, 2), group("fallback", "ON_DEMAND", undefined, undefined))).toEqual([]);
  });
});

describe("rds-multi-az keeps the promise, not the feature", () => {
  const withTier = (tier: string) => (g: ReturnType<typeof goodGraph>) =>
    g.resources.push(res("pulumi:providers:aws", "aws", { defaultTags: JSON.stringify({ tags: { tier } }) }));
  const multiAz = RULES.find((r) => r.id === "rds-multi-az")!;
  it("accepts a single-AZ primary at 1k with the point-in-time restore path (≥ 7 days, deletion protection, final snapshot)", () => {
    const g = goodGraph();
    withTier("1k")(g);
    set("db", "multiAz", false)(g);
    set("db", "backupRetentionPeriod", 7)(g);
    set("db", "deletionProtection", true)(g);
    set("db", "skipFinalSnapshot", false)(g);
    expect(evaluatePolicies(g, [multiAz])).toEqual([]);
    set("db", "backupRetentionPeriod", 1)(g);
    expect(evaluatePolicies(g, [multiAz]).map((v) => v.ruleId)).toEqual(["rds-multi-az"]);
  });
  it("refuses it from 10k up, and when the tier is unknown", () => {
    for (const tier of ["10k", "100k", undefined]) {
      const g = goodGraph();
      if (tier) withTier(tier)(g);
      set("db", "multiAz", false)(g);
      set("db", "backupRetentionPeriod", 14)(g);
      set("db", "deletionProtection", true)(g);
      expect(evaluatePolicies(g, [multiAz]).map((v) => v.ruleId), String(tier)).toEqual(["rds-multi-az"]);
    }
  });
});

describe("sqs-has-dlq: signal queues are not job queues", () => {
  const rule = RULES.find((r) => r.id === "sqs-has-dlq")!;
  const wake = (retention: number) => res("aws:sqs/queue:Queue", "wake", { name: "wake", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", messageRetentionSeconds: retention });
  it("a queue whose messages expire within 5 minutes needs no DLQ (Triton's wake queue)", () => {
    const g = goodGraph();
    g.resources.push(wake(60));
    expect(evaluatePolicies(g, [rule])).toEqual([]);
  });
  it("a queue that keeps messages longer is a job queue and does", () => {
    const g = goodGraph();
    g.resources.push(wake(3_600));
    expect(evaluatePolicies(g, [rule]).map((v) => v.ruleId)).toEqual(["sqs-has-dlq"]);
  });
});

describe("rules that depend on scale", () => {
  it("a workload that can never exceed one replica needs no PDB; one whose scaler allows more does", () => {
    const g = goodGraph();
    set("triton", "spec.replicas", 1)(g);
    drop("triton-pdb")(g);
    const pdb = RULES.filter((r) => r.id === "k8s-pdb");
    expect(evaluatePolicies(g, pdb)).toEqual([]);
    add(res("kubernetes:keda.sh/v1alpha1:ScaledObject", "triton-scaler", { metadata: { namespace: "triton" }, spec: { scaleTargetRef: { name: "triton" }, minReplicaCount: 0, maxReplicaCount: 4 } }))(g);
    expect(evaluatePolicies(g, pdb)).toHaveLength(1);
  });
  it("a single-node cache needs no failover settings but is reported as advisory", () => {
    const g = goodGraph();
    set("cache", "numCacheClusters", 1)(g);
    set("cache", "automaticFailoverEnabled", false)(g);
    expect(evaluatePolicies(g).map((v) => `${v.ruleId}:${v.enforcement}`)).toEqual(["elasticache-has-replica:advisory"]);
  });
  it("a read replica needs no deletion protection; the writer does", () => {
    const g = goodGraph();
    const protection = RULES.filter((r) => r.id === "rds-deletion-protection");
    set("db", "replicateSourceDb", "source-db")(g);
    set("db", "deletionProtection", false)(g);
    expect(evaluatePolicies(g, protection)).toEqual([]);
    set("db", "replicateSourceDb", undefined)(g);
    expect(evaluatePolicies(g, protection)).toHaveLength(1);
  });
});

describe("graph rules see through unknown preview values", () => {
  it("an unknown side-resource reference is not reported as a missing side resource", () => {
    const g = goodGraph();
    set("models-versioning", "bucket", undefined)(g); // unknown during a real preview
    expect(evaluatePolicies(g).filter((v) => v.ruleId === "s3-bucket-versioning")).toEqual([]);
  });
  it("a task definition whose container definitions are unknown is not judged", () => {
    const g = goodGraph();
    set("gateway-task", "containerDefinitions", undefined)(g);
    expect(evaluatePolicies(g).filter((v) => v.ruleId.startsWith("ecs-task"))).toEqual([]);
  });
});

describe("the real engine's graph: children of remote components", () => {
  // Under mocks awsx's Vpc and Helm's Chart are one opaque resource each; in a real preview the engine
  // reports their children too, with the component in the URN's type chain.
  const child = (chain: string, type: string, name: string, inputs: Record<string, unknown>): PolicyResource => ({
    urn: `urn:pulumi:prod::inference-platform::platform:test:C$${chain}$${type}::${name}`,
    type,
    name,
    id: `${name}-0a1b2c3d`,
    inputs,
  });
  const ids = (g: Graph) => evaluatePolicies(g).map((v) => `${v.ruleId} ${v.resourceUrn.split("::").pop()}`);

  it("an awsx VPC and its own aws:ec2/vpc:Vpc child are one VPC for vpc-flow-logs", () => {
    const g = goodGraph();
    add(child("awsx:ec2:Vpc", "aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }))(g);
    expect(ids(g).filter((v) => v.startsWith("vpc-flow-logs"))).toEqual([]);
    drop("flow-log")(g);
    expect(ids(g).filter((v) => v.startsWith("vpc-flow-logs"))).toEqual(["vpc-flow-logs vpc"]);
  });

  it("a second, separate VPC still needs its own flow log", () => {
    const g = goodGraph();
    add(res("aws:ec2/vpc:Vpc", "other-vpc", { cidrBlock: "10.1.0.0/16" }))(g);
    expect(ids(g).filter((v) => v.startsWith("vpc-flow-logs")).length).toBeGreaterThan(0);
  });

  it("a Helm chart's own workloads are judged only on their image pin", () => {
    const g = goodGraph();
    const chartPod = { metadata: { name: "controller", namespace: "kube-system" }, spec: { replicas: 2, template: { metadata: { labels: { app: "controller" } }, spec: { containers: [{ name: "controller", image: "public.ecr.aws/eks/aws-load-balancer-controller:v2.14.1" }] } } } };
    add(child("kubernetes:helm.sh/v4:Chart", "kubernetes:apps/v1:Deployment", "kube-system/controller", chartPod))(g);
    expect(ids(g)).toEqual([]);
    const latest = structuredClone(chartPod);
    latest.spec.template.spec.containers[0].image = "example/controller:latest";
    add(child("kubernetes:helm.sh/v4:Chart", "kubernetes:apps/v1:Deployment", "kube-system/latest", latest))(g);
    expect(ids(g)).toEqual(["k8s-image-pinned kube-system/latest"]);
  });

  it("the same bare workload outside a chart fails the pod rules", () => {
    const g = goodGraph();
    add(res("kubernetes:apps/v1:Deployment", "bare", { metadata: { name: "bare", namespace: "triton" }, spec: { replicas: 2, template: { metadata: { labels: { app: "bare" } }, spec: { containers: [{ name: "bare", image: "example/bare:1.0" }] } } } }))(g);
    expect(ids(g)).toEqual(expect.arrayContaining(["k8s-resources bare", "k8s-probes bare", "k8s-run-as-non-root bare", "k8s-pdb bare", "k8s-network-policy bare"]));
  });
});

describe("CrossGuard pack", () => {
  it("is self-contained: imports only its own files and its package.json dependencies", () => {
    // `pulumi policy publish` (and a copy of the folder) carries only policy/: a relative import that
    // leaves it breaks the pack at load time. readme.ts is docs tooling, never loaded by the pack.
    // Every import form, either quote (test/support/imports.ts); the pack's own node_modules skipped.
    const dir = path.join(__dirname, "..", "..", "policy");
    const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies);
    const files = typeScriptSources(dir, ".").filter((f) => f !== "readme.ts");
    expect(files).toContain("index.ts");
    for (const file of files) {
      for (const spec of moduleSpecifiers(fs.readFileSync(path.join(dir, file), "utf8"))) {
        if (isRelative(spec)) expect(path.resolve(dir, path.dirname(file), spec).startsWith(dir + path.sep), `${file} imports ${spec}`).toBe(true);
        else expect(deps, `${file} imports ${spec}`).toContain(spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/"));
      }
    }
    expect(EKS_STANDARD_SUPPORT_FLOOR).toBe(SUPPORTED_KUBERNETES_VERSIONS[0]);
  });

  it("registers every rule once with its enforcement level and severity", async () => {
    const captured: { name: string; args: { policies: Record<string, unknown>[] } }[] = [];
    vi.doMock("@pulumi/policy", () => ({
      PolicyPack: class {
        constructor(name: string, args: { policies: Record<string, unknown>[] }) {
          captured.push({ name, args });
        }
      },
    }));
    await import("../../policy/pack");
    expect(captured).toHaveLength(1);
    const { name, args } = captured[0];
    expect(name).toBe("inference-platform-guardrails");
    // Every rule, then the advisory policy that reports acknowledged prod weakenings.
    expect(args.policies.map((p) => p.name)).toEqual([...RULES.map((r) => r.id), "acknowledged-weakening"]);
    expect(args.policies[RULES.length].enforcementLevel).toBe("advisory");
    for (const rule of RULES) {
      const p = args.policies.find((x) => x.name === rule.id)!;
      expect(p.enforcementLevel, rule.id).toBe(rule.enforcement);
      expect(p.severity, rule.id).toBe(rule.severity);
      expect(typeof (isGraphRule(rule) ? p.validateStack : p.validateResource), rule.id).toBe("function");
    }
    vi.doUnmock("@pulumi/policy");
  });

  it("the wrapped policies report the same violations as the plain rules", async () => {
    const { crossGuardPolicies } = await import("../../policy/crossguard");
    const g = goodGraph();
    BREAK["rds-multi-az"](g);
    BREAK["alb-has-waf"](g);
    const reported: { policy: string; message: string; urn?: string }[] = [];
    for (const p of crossGuardPolicies() as unknown as Record<string, (...a: unknown[]) => void>[]) {
      const report = (message: string, urn?: string) => reported.push({ policy: String(p.name), message, urn });
      const toCg = (r: PolicyResource) => ({ urn: r.urn, type: r.type, name: r.name, props: { ...r.inputs, id: r.id } });
      if (p.validateStack) p.validateStack({ resources: g.resources.map(toCg) }, report);
      else for (const r of g.resources) p.validateResource(toCg(r), report);
    }
    expect(reported.map((r) => r.policy).sort()).toEqual(["alb-has-waf", "rds-multi-az"]);
    expect(reported.find((r) => r.policy === "alb-has-waf")?.urn).toBe(find(g, "gateway-alb").urn);
  });

  it("an acknowledgement on the resource's provider turns the mandatory policy into the advisory finding (resource and stack policies)", async () => {
    const { crossGuardPolicies } = await import("../../policy/crossguard");
    const g = goodGraph();
    BREAK["rds-multi-az"](g);
    BREAK["alb-has-waf"](g);
    const provider = res("pulumi:providers:aws", "aws", { defaultTags: JSON.stringify({ tags: { "guardrails:acknowledged:prod-single-az-database": "database.multiAz", "guardrails:acknowledged:prod-without-waf": "safety.waf" } }) });
    g.resources.push(provider);
    const reported: { policy: string; message: string }[] = [];
    const toCg = (r: PolicyResource) => ({ urn: r.urn, type: r.type, name: r.name, props: { ...r.inputs, id: r.id }, provider: { urn: provider.urn, type: provider.type, name: provider.name, props: provider.inputs } });
    for (const p of crossGuardPolicies() as unknown as Record<string, (...a: unknown[]) => void>[]) {
      const report = (message: string) => reported.push({ policy: String(p.name), message });
      if (p.validateStack) p.validateStack({ resources: g.resources.map(toCg) }, report);
      else for (const r of g.resources) p.validateResource(toCg(r), report);
    }
    expect(reported.map((r) => r.policy).sort()).toEqual(["acknowledged-weakening", "acknowledged-weakening"]);
    expect(reported.map((r) => r.message).sort()[0]).toMatch(/^alb-has-waf: .*\(acknowledged by "prod-without-waf"\)$/);
  });

  it("values unknown during preview reach the rules as undefined instead of throwing (which CrossGuard turns into an advisory skip)", async () => {
    const { crossGuardPolicies } = await import("../../policy/crossguard");
    const { unknownCheckingProxy } = await import("@pulumi/policy");
    const internals = (await import("@pulumi/policy/proxy")) as unknown as Record<string, string>;
    const unknown = internals.unknownStringValue;
    // A world ingress on 8080 whose security group id is unknown (first preview), as the server hands it over.
    const props = unknownCheckingProxy({ securityGroupId: unknown, cidrIpv4: "0.0.0.0/0", fromPort: 8080, toPort: 8080, ipProtocol: "tcp", description: "x" });
    expect(() => (props as Record<string, unknown>).securityGroupId).toThrow(/can't be known during preview/);
    const reported: string[] = [];
    for (const p of crossGuardPolicies() as unknown as Record<string, (...a: unknown[]) => void>[]) {
      if ((p as unknown as { name: string }).name !== "world-ingress-only-on-alb") continue;
      p.validateStack({ resources: [{ urn: "urn:x::w8080", type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "w8080", props }] }, (m: string) => reported.push(m));
    }
    expect(reported).toEqual(["admits the internet on 8080-8080 (security group not known yet); only 80, 443 on the ALB"]);
  });

  it("an acknowledgement tag for another rule, or a user tag that only looks like one, downgrades nothing", () => {
    const g = goodGraph();
    BREAK["rds-multi-az"](g);
    g.resources.push(res("pulumi:providers:aws", "aws", { defaultTags: JSON.stringify({ tags: { "guardrails:acknowledged:prod-without-waf": "x", "guardrails:acknowledged:yolo": "x" } }) }));
    expect(evaluatePolicies(g).filter((v) => v.enforcement === "mandatory").map((v) => v.ruleId)).toEqual(["rds-multi-az"]);
  });
});
