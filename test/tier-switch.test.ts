/**
 * A tier switch resizes in place. Every shipped stack is rendered at 1k, 10k and 100k; for every
 * stateful resource (data stores, keys, secrets, queues, clusters, log groups) the URN must be the
 * same at every tier and every input whose change forces a replacement must hold the same value.
 *
 * The one documented exception (docs/data-layer.md, "Tier switches"): RDS read replicas exist only where the tier
 * asks for them (100k in prod), so a switch to or from 100k adds or removes the replica, with the log
 * groups of its exported logs (components/database-logs.ts); the writer is never touched.
 */
import { describe, expect, it } from "vitest";
import { DATABASE } from "../sizing";
import { listStacks, type RenderedGraph, type RenderedResource, rendered, TIER_NAMES } from "./support/graph";

/**
 * Replacement-forcing inputs per stateful resource type: the `ForceNew: true` fields (and
 * `ForceNewIf…` customizations) of each resource's schema in hashicorp/terraform-provider-aws,
 * which @pulumi/aws bridges. Paths are Pulumi (camelCase) input names; `a.b` walks into objects;
 * `engineVersion:major` compares only the major version (minor upgrades are in place).
 *
 * Types are matched against the rendered graph, so a type is covered as soon as a component creates
 * one; the list only has to name the type.
 */
const REPLACEMENT_INPUTS: Record<string, { source: string; inputs: string[]; note?: string }> = {
  "aws:rds/instance:Instance": {
    source: "internal/service/rds/instance.go",
    inputs: [
      "identifier",
      "identifierPrefix",
      "engine",
      "engineVersion:major",
      "storageEncrypted",
      "kmsKeyId",
      "username",
      "dbName",
      "availabilityZone",
      "characterSetName",
      "ncharCharacterSetName",
      "timezone",
      "snapshotIdentifier",
      "restoreToPointInTime",
      "customIamInstanceProfile",
      "dbSubnetGroupName",
    ],
    note:
      "dbSubnetGroupName is not ForceNew, but moving an instance to another subnet group is a VPC move " +
      "with downtime, so it is pinned too; a major engine version change is an in-place upgrade RDS " +
      "refuses without allowMajorVersionUpgrade, so the major is pinned.",
  },
  "aws:rds/subnetGroup:SubnetGroup": { source: "internal/service/rds/subnet_group.go", inputs: ["name", "namePrefix"] },
  "aws:rds/parameterGroup:ParameterGroup": { source: "internal/service/rds/parameter_group.go", inputs: ["family", "name", "namePrefix"] },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    source: "internal/service/elasticache/replication_group.go",
    inputs: [
      "replicationGroupId",
      "atRestEncryptionEnabled",
      "kmsKeyId",
      "subnetGroupName",
      "port",
      "networkType",
      "dataTieringEnabled",
      "globalReplicationGroupId",
      "snapshotArns",
      "snapshotName",
      "securityGroupNames",
      "transitEncryptionEnabled",
      "engine",
      "engineVersion:major",
    ],
    note: "transitEncryptionEnabled is ForceNew below Redis 7.0.5; engine/engineVersion force a replacement on downgrade.",
  },
  "aws:elasticache/subnetGroup:SubnetGroup": { source: "internal/service/elasticache/subnet_group.go", inputs: ["name"] },
  "aws:elasticache/parameterGroup:ParameterGroup": { source: "internal/service/elasticache/parameter_group.go", inputs: ["family", "name"] },
  "aws:s3/bucket:Bucket": { source: "internal/service/s3/bucket.go", inputs: ["bucket", "bucketPrefix", "objectLockEnabled"] },
  "aws:kms/key:Key": {
    source: "internal/service/kms/key.go",
    inputs: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
  },
  "aws:secretsmanager/secret:Secret": { source: "internal/service/secretsmanager/secret.go", inputs: ["name", "namePrefix"] },
  "random:index/randomPassword:RandomPassword": {
    source: "terraform-provider-random internal/provider/resource_password.go (every argument RequiresReplace)",
    inputs: ["length", "special", "upper", "lower", "numeric", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial", "keepers"],
    note: "A new password is a new AUTH token: clients holding the old one fail until they re-read the secret.",
  },
  "aws:sqs/queue:Queue": { source: "internal/service/sqs/queue.go", inputs: ["name", "namePrefix", "fifoQueue"] },
  "aws:eks/cluster:Cluster": {
    source: "internal/service/eks/cluster.go",
    inputs: [
      "name",
      "roleArn",
      "bootstrapSelfManagedAddons",
      "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "kubernetesNetworkConfig.ipFamily",
      "kubernetesNetworkConfig.serviceIpv4Cidr",
      "outpostConfig",
      "remoteNetworkConfig",
      "encryptionConfig",
    ],
    note: "encryptionConfig: removing it forces a replacement (ForceNewIfChange); adding it is in place.",
  },
  "aws:ecr/repository:Repository": { source: "internal/service/ecr/repository.go", inputs: ["name"] },
  "aws:cloudwatch/logGroup:LogGroup": { source: "internal/service/logs/group.go", inputs: ["name", "namePrefix"] },
  // Triton's one private name (every tier since TLS on the Triton hop): a tier switch only moves its record.
  "aws:route53/zone:Zone": { source: "internal/service/route53/zone.go", inputs: ["name", "delegationSetId"] },
  // TLS on the Triton hop: a replaced CA is a new TRITON_GRPC_CA_PEM (every service redeploys), a replaced
  // server key or certificate rolls Triton. hashicorp/terraform-provider-tls internal/provider/resource_*.go:
  // every argument RequiresReplace (PEM inputs: requireReplaceIfStateContainsPEMString) except early_renewal_hours.
  "tls:index/privateKey:PrivateKey": { source: "terraform-provider-tls resource_private_key.go", inputs: ["algorithm", "ecdsaCurve", "rsaBits"] },
  "tls:index/selfSignedCert:SelfSignedCert": {
    source: "terraform-provider-tls resource_self_signed_cert.go",
    inputs: ["privateKeyPem", "subject", "dnsNames", "isCaCertificate", "allowedUses", "validityPeriodHours"],
  },
  "tls:index/certRequest:CertRequest": { source: "terraform-provider-tls resource_cert_request.go", inputs: ["privateKeyPem", "subject", "dnsNames"] },
  "tls:index/locallySignedCert:LocallySignedCert": {
    source: "terraform-provider-tls resource_locally_signed_cert.go",
    inputs: ["certRequestPem", "caPrivateKeyPem", "caCertPem", "isCaCertificate", "allowedUses", "validityPeriodHours"],
  },
};

/**
 * Resources allowed to come and go with the tier (the documented exception): read replicas, and the
 * log groups RDS publishes a replica's logs to (`/aws/rds/instance/<replica identifier>/<log type>`):
 * they exist for the replica and go with it; its logs are of a server that no longer exists.
 * Triton's wake queue is not among them (it exists at every tier), nor are the workers' log groups:
 * every shape's log group exists at every tier, so no switch deletes logs.
 */
function isTierDependent(r: RenderedResource, g: RenderedGraph): boolean {
  if (isReadReplica(r)) return true;
  if (r.type !== "aws:cloudwatch/logGroup:LogGroup") return false;
  const replicaIdentifiers = g.resources.filter(isReadReplica).map((i) => String(i.inputs.identifier));
  return replicaIdentifiers.some((id) => String(r.inputs.name).startsWith(`/aws/rds/instance/${id}/`));
}

function isReadReplica(r: RenderedResource): boolean {
  return r.type === "aws:rds/instance:Instance" && r.inputs.replicateSourceDb !== undefined;
}

function statefulOf(g: RenderedGraph): Map<string, RenderedResource> {
  return new Map(
    g.resources.filter((r) => r.type in REPLACEMENT_INPUTS && !isTierDependent(r, g)).map((r) => [r.urn, r]),
  );
}

function valueAt(inputs: Record<string, unknown>, path: string): unknown {
  const [dotted, transform] = path.split(":");
  let v: unknown = inputs;
  for (const part of dotted.split(".")) v = v === undefined || v === null ? undefined : (v as Record<string, unknown>)[part];
  if (transform === "major" && typeof v === "string") return v.split(".")[0];
  return v;
}

describe.each(listStacks())("tier switch of %s", (stack) => {
  const graphs = () => Promise.all(TIER_NAMES.map((tier) => rendered(stack, tier)));

  it("covers the data layer's stateful resources, Triton's private zone and its TLS keys and certificates", async () => {
    const [g] = await graphs();
    const types = new Set([...statefulOf(g).values()].map((r) => r.type));
    for (const type of [
      "aws:rds/instance:Instance",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "aws:s3/bucket:Bucket",
      "aws:kms/key:Key",
      "aws:secretsmanager/secret:Secret",
      "aws:route53/zone:Zone",
      "tls:index/privateKey:PrivateKey",
      "tls:index/selfSignedCert:SelfSignedCert",
      "tls:index/certRequest:CertRequest",
      "tls:index/locallySignedCert:LocallySignedCert",
    ]) {
      expect(types).toContain(type);
    }
  });

  it("keeps every stateful resource at the same URN at 1k, 10k and 100k", async () => {
    const urnSets = (await graphs()).map((g) => [...statefulOf(g).keys()].sort());
    expect(urnSets[1]).toEqual(urnSets[0]);
    expect(urnSets[2]).toEqual(urnSets[0]);
  });

  it("keeps every replacement-forcing input identical across tiers", async () => {
    const [base, ...others] = (await graphs()).map(statefulOf);
    const differences: string[] = [];
    for (const other of others) {
      for (const [urn, resource] of base) {
        const counterpart = other.get(urn);
        if (!counterpart) continue; // reported by the URN test
        for (const path of REPLACEMENT_INPUTS[resource.type].inputs) {
          const a = JSON.stringify(valueAt(resource.inputs, path));
          const b = JSON.stringify(valueAt(counterpart.inputs, path));
          if (a !== b) differences.push(`${resource.name}.${path}: ${a} -> ${b}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it("adds or removes only read replicas and their log groups, and only where the tier table says so", async () => {
    const gs = await graphs();
    const replicaCounts = gs.map((g) => g.resources.filter((r) => isTierDependent(r, g) && r.type === "aws:rds/instance:Instance").length);
    expect(replicaCounts).toEqual(gs.map((g) => g.config.sizing.database.readReplicas));
    expect(replicaCounts).toEqual(gs[0].config.environment === "prod" ? [0, 0, 1] : [0, 0, 0]);
    const replicaLogGroups = gs.map((g) => g.resources.filter((r) => isTierDependent(r, g) && r.type === "aws:cloudwatch/logGroup:LogGroup").length);
    expect(replicaLogGroups).toEqual(replicaCounts.map((n) => n * DATABASE.logExports.length));
  });
});

/**
 * The VPC's subnets live inside the awsx component (opaque under mocks), so their CIDRs are checked
 * through the inputs awsx lays them out from. Each AZ's slice of the VPC is `availabilityZoneCidrMask`
 * or, when unset, the VPC prefix + ceil(log2(AZ count)) (awsx `ec2/subnetDistributorNew.ts`); if it
 * changed with the AZ count, the subnets of the AZs that stay would move, i.e. be replaced.
 */
function subnetLayout(g: RenderedGraph): unknown {
  const vpc = g.resources.find((r) => r.type === "awsx:ec2:Vpc")!.inputs;
  const vpcPrefix = Number(String(vpc.cidrBlock).split("/")[1]);
  const azCount = vpc.numberOfAvailabilityZones as number;
  return {
    cidrBlock: vpc.cidrBlock,
    subnetStrategy: vpc.subnetStrategy,
    subnetSpecs: vpc.subnetSpecs,
    azSlice: (vpc.availabilityZoneCidrMask as number | undefined) ?? vpcPrefix + Math.ceil(Math.log2(azCount)),
  };
}

describe.each(listStacks())("subnets across a tier switch of %s", (stack) => {
  it("keep the CIDRs of every AZ that exists at both tiers (an AZ added by the tier is appended)", async () => {
    const layouts = (await Promise.all(TIER_NAMES.map((tier) => rendered(stack, tier)))).map(subnetLayout);
    expect(layouts[1]).toEqual(layouts[0]);
    expect(layouts[2]).toEqual(layouts[0]);
  });
});

describe("the comparison itself", () => {
  it("notices a renamed bucket and a changed engine major", async () => {
    const g = await rendered(listStacks()[0], "1k");
    const bucket = g.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
    const renamed = { ...bucket.inputs, bucketPrefix: `${String(bucket.inputs.bucketPrefix)}x` };
    expect(valueAt(renamed, "bucketPrefix")).not.toEqual(valueAt(bucket.inputs, "bucketPrefix"));
    expect(valueAt({ engineVersion: "17.4" }, "engineVersion:major")).toBe(valueAt({ engineVersion: "17" }, "engineVersion:major"));
    expect(valueAt({ engineVersion: "18.1" }, "engineVersion:major")).not.toBe(valueAt({ engineVersion: "17" }, "engineVersion:major"));
    expect(valueAt({ accessConfig: { bootstrapClusterCreatorAdminPermissions: true } }, "accessConfig.bootstrapClusterCreatorAdminPermissions")).toBe(true);
  });
});

/**
 * EKS managed node groups are not in the never-replace list (they hold no data), but replacing one
 * moves every pod on it, and for the GPU groups every Triton replica has a cold start: the runbook
 * ("Switching tier") says which switch replaces which group, and this pins it. Replacement-forcing
 * inputs: the `ForceNew` fields of `aws_eks_node_group` (hashicorp/terraform-provider-aws
 * internal/service/eks/node_group.go): ami_type, capacity_type, cluster_name, disk_size,
 * instance_types, launch_template id/name, node_group_name(_prefix), node_role_arn, remote_access,
 * subnet_ids. Labels, taints, scaling and update config and the launch template version change in place.
 */
const NODE_GROUP_FORCE_NEW = [
  "amiType",
  "capacityType",
  "clusterName",
  "diskSize",
  "instanceTypes",
  "launchTemplate.id",
  "launchTemplate.name",
  "nodeGroupName",
  "nodeGroupNamePrefix",
  "nodeRoleArn",
  "remoteAccess",
  "subnetIds",
];

/** What each switch does to the node groups: the system group's instance type differs per tier, 100k has a third AZ (new subnets) and larger GPU types, and prod 100k adds the on-demand GPU base. */
const NODE_GROUP_CHANGES: Record<"dev" | "prod", Record<string, string[]>> = {
  dev: {
    "1k→10k": ["inference-system: instanceTypes"],
    "10k→100k": ["inference-gpu-primary: instanceTypes, subnetIds", "inference-system: instanceTypes, subnetIds"],
    "1k→100k": ["inference-gpu-primary: instanceTypes, subnetIds", "inference-system: subnetIds"],
  },
  prod: {
    "1k→10k": ["inference-system: instanceTypes"],
    "10k→100k": [
      "inference-gpu-base: added",
      "inference-gpu-fallback: instanceTypes, subnetIds",
      "inference-gpu-primary: instanceTypes, subnetIds",
      "inference-system: instanceTypes, subnetIds",
    ],
    "1k→100k": [
      "inference-gpu-base: added",
      "inference-gpu-fallback: instanceTypes, subnetIds",
      "inference-gpu-primary: instanceTypes, subnetIds",
      "inference-system: subnetIds",
    ],
  },
};

/**
 * The node groups' launch templates and node roles: the groups refer to them by mock ids built from
 * the logical name, so a replaced template or role would not show in the groups' inputs. Their own
 * ForceNew inputs (terraform-provider-aws internal/service/ec2/ec2_launch_template.go `name`,
 * `name_prefix`; internal/service/iam/role.go `name`, `name_prefix`, `path`) must hold across tiers.
 */
const NODE_SUPPORT_FORCE_NEW: Record<string, string[]> = {
  "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
};

describe.each(listStacks())("node groups across a tier switch of %s", (stack) => {
  it("are replaced exactly where the runbook says (no GPU group at 1k↔10k)", async () => {
    const [g1k, g10k, g100k] = await Promise.all(TIER_NAMES.map((tier) => rendered(stack, tier)));
    const groups = (g: RenderedGraph) => new Map(g.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").map((r) => [r.name, r]));
    const changes = (from: RenderedGraph, to: RenderedGraph): string[] => {
      const [a, b] = [groups(from), groups(to)];
      const out: string[] = [];
      for (const [name, r] of a) {
        const counterpart = b.get(name);
        if (!counterpart) out.push(`${name}: removed`);
        else {
          const forced = NODE_GROUP_FORCE_NEW.filter((p) => JSON.stringify(valueAt(r.inputs, p)) !== JSON.stringify(valueAt(counterpart.inputs, p)));
          if (forced.length) out.push(`${name}: ${forced.join(", ")}`);
        }
      }
      for (const name of b.keys()) if (!a.has(name)) out.push(`${name}: added`);
      return out.sort();
    };
    const expected = NODE_GROUP_CHANGES[g1k.config.environment as "dev" | "prod"];
    expect(changes(g1k, g10k)).toEqual(expected["1k→10k"]);
    expect(changes(g10k, g100k)).toEqual(expected["10k→100k"]);
    expect(changes(g1k, g100k)).toEqual(expected["1k→100k"]);
  });

  it("keep their launch templates and node roles (same logical resources, same replacement-forcing inputs)", async () => {
    const graphs = await Promise.all(TIER_NAMES.map((tier) => rendered(stack, tier)));
    const support = (g: RenderedGraph) =>
      new Map(
        g.resources
          .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" || (r.type === "aws:iam/role:Role" && r.name.endsWith("-node-role")))
          .map((r) => [r.urn, NODE_SUPPORT_FORCE_NEW[r.type].map((p) => JSON.stringify(valueAt(r.inputs, p))).join("|")]),
      );
    const [first, ...rest] = graphs.map(support);
    expect([...first.keys()].filter((urn) => urn.includes("node-role")).length).toBeGreaterThanOrEqual(2);
    expect([...first.keys()].filter((urn) => urn.includes("LaunchTemplate")).length).toBeGreaterThanOrEqual(2);
    for (const other of rest) expect(other).toEqual(first);
  });
});
