/**
 * The EKS control plane: cluster role, control-plane log group, cluster, admin access entry, OIDC
 * provider for IRSA, the managed networking add-ons, and the Kubernetes provider every Kubernetes
 * resource of the stack uses.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CONTROL_PLANE_SUBNETS } from "../../sizing";
import { applyTransform, type StackContext, type Transform } from "../component";
import { serviceTrustPolicy } from "../iam";
import {
  CLUSTER_ACCESS_POLICIES,
  CLUSTER_ADMIN_ACCESS_POLICY,
  CLUSTER_ROLE_POLICY,
  CONTROL_PLANE_LOG_TYPES,
  EKS_ADDONS,
} from "./constants";

export interface ClusterArgs {
  /** The stack: tags, the key for secrets and control-plane logs, their retention. */
  context: StackContext;
  /** Physical cluster name (tier-independent). */
  clusterName: string;
  kubernetesVersion: string;
  privateSubnetIds: pulumi.Input<string[]>;
  publicAccessCidrs: string[];
  adminRoleArn?: string;
  /** Further principals with their access level (one access entry + policy association each). */
  access: ClusterAccess[];
  /**
   * Adjusts the EKS cluster's arguments (InferenceArgs `transform.cluster`).
   * @default - The arguments as built.
   */
  transform?: Transform<aws.eks.ClusterArgs>;
}

/** One principal given access to the cluster through an EKS access entry. */
export interface ClusterAccess {
  /** IAM role ARN, no wildcard. */
  principalArn: string;
  access: keyof typeof CLUSTER_ACCESS_POLICIES;
}

export interface ClusterResources {
  cluster: aws.eks.Cluster;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  /** Issuer URL without `https://`, as IRSA trust conditions spell it. */
  oidcIssuer: pulumi.Output<string>;
  /** The security group EKS creates for the control plane and managed nodes. */
  clusterSecurityGroupId: pulumi.Output<string>;
}

/** Refuses a Kubernetes version with no add-on pins before any resource exists. */
export function addonVersionsFor(kubernetesVersion: string): (typeof EKS_ADDONS)[string] {
  const pins = EKS_ADDONS[kubernetesVersion];
  if (!pins) {
    throw new Error(
      `\`kubernetesVersion\` ${kubernetesVersion} has no add-on pins in components/inference/constants.ts (EKS_ADDONS: ${Object.keys(EKS_ADDONS).join(", ")})`,
    );
  }
  return pins;
}

export function createCluster(name: string, args: ClusterArgs, parent: pulumi.Resource): ClusterResources {
  const { kmsKeyArn, logRetentionDays } = args.context;
  const tags = args.context.identity.tags;
  const role = new aws.iam.Role(
    `${name}-cluster-role`,
    { assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com"), tags },
    { parent },
  );
  const policy = new aws.iam.RolePolicyAttachment(
    `${name}-cluster-policy`,
    { role: role.name, policyArn: CLUSTER_ROLE_POLICY },
    { parent },
  );

  // EKS writes to this exact name; creating it first lets us set retention and the stack key
  // (EKS would otherwise create it unencrypted, kept forever).
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    {
      name: `/aws/eks/${args.clusterName}/cluster`,
      retentionInDays: logRetentionDays,
      kmsKeyId: kmsKeyArn,
      tags,
    },
    { parent },
  );

  const cluster = new aws.eks.Cluster(
    `${name}-cluster`,
    applyTransform(args.transform, {
      name: args.clusterName,
      version: args.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        // Only the first CONTROL_PLANE_SUBNETS private subnets: changing the control plane's
        // subnets is a risky (historically replacing) update, and a tier that adds an AZ adds
        // subnets. Every tier has at least these; nodes and the NLB use all private subnets.
        subnetIds: pulumi.output(args.privateSubnetIds).apply((ids) => ids.slice(0, CONTROL_PLANE_SUBNETS)),
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: args.publicAccessCidrs,
      },
      encryptionConfig: { provider: { keyArn: kmsKeyArn }, resources: ["secrets"] },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      accessConfig: {
        authenticationMode: "API",
        // The identity running `pulumi up` must reach the API to create the Kubernetes objects;
        // set explicitly because changing it replaces the cluster.
        bootstrapClusterCreatorAdminPermissions: true,
      },
      // The managed add-ons below replace the self-managed defaults EKS would otherwise install.
      bootstrapSelfManagedAddons: false,
      // Extended support costs 6× the control-plane price; stay on standard and upgrade on time.
      upgradePolicy: { supportType: "STANDARD" },
      tags,
    }),
    { parent, dependsOn: [logGroup, policy] },
  );

  if (args.adminRoleArn) {
    const entry = new aws.eks.AccessEntry(
      `${name}-admin-access`,
      { clusterName: cluster.name, principalArn: args.adminRoleArn, type: "STANDARD", tags },
      { parent },
    );
    new aws.eks.AccessPolicyAssociation(
      `${name}-admin-policy`,
      {
        clusterName: cluster.name,
        principalArn: args.adminRoleArn,
        policyArn: CLUSTER_ADMIN_ACCESS_POLICY,
        accessScope: { type: "cluster" },
      },
      { parent, dependsOn: [entry] },
    );
  }

  // Named by account and role name (not list position), so reordering the list replaces nothing.
  for (const a of args.access) {
    const [, , , , account, resource] = a.principalArn.split(":");
    const role = resource.split("/").pop()!;
    const id = `${name}-access-${account}-${role}`;
    const entry = new aws.eks.AccessEntry(id, { clusterName: cluster.name, principalArn: a.principalArn, type: "STANDARD", tags }, { parent });
    new aws.eks.AccessPolicyAssociation(
      `${id}-${a.access}`,
      { clusterName: cluster.name, principalArn: a.principalArn, policyArn: CLUSTER_ACCESS_POLICIES[a.access], accessScope: { type: "cluster" } },
      { parent, dependsOn: [entry] },
    );
  }

  const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
  // AWS validates EKS issuers against its own trust store now, so no thumbprint is pinned here.
  const oidcProvider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags },
    { parent },
  );

  return {
    cluster,
    role,
    logGroup,
    oidcProvider,
    oidcIssuer: issuerUrl.apply((u) => u.replace(/^https:\/\//, "")),
    clusterSecurityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId!),
  };
}

export interface NetworkingAddons {
  vpcCni: aws.eks.Addon;
  kubeProxy: aws.eks.Addon;
}

/**
 * vpc-cni and kube-proxy: installed before any node (a node without a CNI never turns Ready).
 * CoreDNS is separate ({@link createCoreDnsAddon}): it stays DEGRADED, and its creation times
 * out, until a node exists to run it.
 */
export function createNetworkingAddons(
  name: string,
  args: { cluster: aws.eks.Cluster; kubernetesVersion: string; tags: Record<string, string> },
  parent: pulumi.Resource,
): NetworkingAddons {
  const pins = addonVersionsFor(args.kubernetesVersion);
  const vpcCni = new aws.eks.Addon(
    `${name}-vpc-cni`,
    {
      clusterName: args.cluster.name,
      addonName: "vpc-cni",
      addonVersion: pins.vpcCni,
      // NetworkPolicies are not enforced at all without the network policy agent. No prefix
      // delegation: with it, managed node groups raise kubelet maxPods to 110 and the EKS AMI
      // reserves 11 MiB per possible pod (1465 MiB of a t4g.small's 2 GiB), so the add-ons no longer
      // fit the small system nodes; the ENI limit (11 pods on a t4g.small, 58 on a g6.xlarge) is
      // more than this cluster runs per node (src/plan/scheduling/ checks memory and pod count).
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: args.tags,
    },
    { parent },
  );
  const kubeProxy = new aws.eks.Addon(
    `${name}-kube-proxy`,
    {
      clusterName: args.cluster.name,
      addonName: "kube-proxy",
      addonVersion: pins.kubeProxy,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: args.tags,
    },
    { parent },
  );
  return { vpcCni, kubeProxy };
}

export function createCoreDnsAddon(
  name: string,
  args: { cluster: aws.eks.Cluster; kubernetesVersion: string; tags: Record<string, string> },
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): aws.eks.Addon {
  return new aws.eks.Addon(
    `${name}-coredns`,
    {
      clusterName: args.cluster.name,
      addonName: "coredns",
      addonVersion: addonVersionsFor(args.kubernetesVersion).coredns,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: args.tags,
    },
    { parent, dependsOn },
  );
}

/**
 * A Kubernetes provider from the cluster's outputs. The token comes from `aws eks get-token` at
 * every run (exec plugin), so no long-lived credential is stored in the state.
 */
export function createKubernetesProvider(
  name: string,
  args: { cluster: aws.eks.Cluster; region: string },
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[] = [],
): k8s.Provider {
  const kubeconfig = pulumi
    .all([args.cluster.name, args.cluster.endpoint, args.cluster.certificateAuthority])
    .apply(([clusterName, endpoint, ca]) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": ca.data } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
          {
            name: clusterName,
            user: {
              exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "aws",
                args: ["eks", "get-token", "--cluster-name", clusterName, "--region", args.region, "--output", "json"],
              },
            },
          },
        ],
      }),
    );
  return new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { parent, dependsOn });
}
