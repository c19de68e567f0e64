/**
 * AWS refusal rules, EKS: the creator's access entry (applied early, where the table has always checked it), cluster
 * names and node group scaling bounds.
 */
import { DOCS, num, obj, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of the EKS access entry, in the table's order. */
export const EKS_ACCESS_RULES: readonly AwsRefusalRule[] = [
  {
    id: "eks-access-entry-for-creator",
    types: ["aws:eks/accessEntry:AccessEntry"],
    // With bootstrapClusterCreatorAdminPermissions, EKS creates an access entry for the identity that
    // creates the cluster; CreateAccessEntry refuses a second entry for the same principal ("You can't
    // specify the same ARN in more than one access entry"; the 409 is quoted in
    // terraform-aws-modules/terraform-aws-eks#2969 and pulumi/pulumi-eks#2373).
    doc: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html",
    observed: true,
    check: (inputs, ctx) => {
      if (str(inputs.principalArn) !== ctx.deployerRoleArn) return undefined;
      const bootstrapped = [...ctx.byArn.values()].some(
        (r) => r.type === "aws:eks/cluster:Cluster" && obj(r.inputs.accessConfig)?.bootstrapClusterCreatorAdminPermissions === true,
      );
      return bootstrapped
        ? `ResourceInUseException: The specified access entry resource is already in use on this cluster (${ctx.deployerRoleArn} created the cluster and has EKS's own access entry; list it nowhere in eksAdminRoleArn or eksClusterAccess).`
        : undefined;
    },
  },
];

/** The rules of EKS clusters and node groups, in the table's order. */
export const EKS_CLUSTER_RULES: readonly AwsRefusalRule[] = [
  {
    id: "eks-cluster-name",
    types: ["aws:eks/cluster:Cluster"],
    doc: DOCS.eksCreateCluster,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      return name !== undefined && !/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)
        ? `InvalidParameterException: The cluster name "${name}" must be 1 to 100 characters, start with an alphanumeric character and contain only alphanumerics, hyphens and underscores.`
        : undefined;
    },
  },
  {
    id: "eks-node-group-scaling",
    types: ["aws:eks/nodeGroup:NodeGroup"],
    doc: DOCS.eksScaling,
    observed: false,
    check: (inputs) => {
      const s = obj(inputs.scalingConfig);
      const min = num(s?.minSize);
      const max = num(s?.maxSize);
      const desired = num(s?.desiredSize);
      if (min === undefined || max === undefined) return undefined;
      if (max < 1) return `InvalidParameterException: maxSize must be at least 1 (got ${max}).`;
      if (min > max) return `InvalidParameterException: Minimum capacity ${min} can't be greater than maximum capacity ${max}.`;
      return desired !== undefined && (desired < min || desired > max)
        ? `InvalidParameterException: Desired capacity ${desired} must be between minimum ${min} and maximum ${max}.`
        : undefined;
    },
  },
];
