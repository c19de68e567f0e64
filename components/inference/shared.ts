/**
 * What the cluster add-ons and Triton share: IRSA roles (an IAM role one service account of this
 * cluster can assume), installing a pinned Helm chart from HELM_CHARTS, and the node selectors and
 * tolerations that place pods on the system or the GPU nodes.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy, type PolicyStatement, policyDocument } from "../iam";
import { GPU_NODE_LABEL, GPU_TAINT, HELM_CHARTS, SYSTEM_NODE_LABEL } from "./constants";

/** What every IRSA role needs to know about the cluster. */
export interface IrsaContext {
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuer: pulumi.Input<string>;
  tags: Record<string, string>;
}

/** Where an add-on's resources go: parented to the component, Kubernetes objects through the cluster's provider, after `dependsOn`. */
export interface AddonOpts {
  parent: pulumi.Resource;
  provider: k8s.Provider;
  dependsOn: pulumi.Resource[];
}

/** An IAM role only `system:serviceaccount:<namespace>:<serviceAccount>` of this cluster can assume. */
export function createIrsaRole(
  name: string,
  role: string,
  args: IrsaContext & { namespace: string; serviceAccount: string; statements: pulumi.Input<PolicyStatement[]> },
  parent: pulumi.Resource,
): aws.iam.Role {
  const iamRole = new aws.iam.Role(
    `${name}-${role}-role`,
    {
      assumeRolePolicy: irsaTrustPolicy({
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuer: args.oidcIssuer,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
      }),
      tags: args.tags,
    },
    { parent },
  );
  new aws.iam.RolePolicy(`${name}-${role}-policy`, { role: iamRole.id, policy: policyDocument(args.statements) }, { parent });
  return iamRole;
}

/** One pinned chart of HELM_CHARTS, named `${name}-<chart>`. */
export function helmChart(
  name: string,
  role: keyof typeof HELM_CHARTS,
  namespace: pulumi.Input<string>,
  values: pulumi.Input<Record<string, unknown>>,
  opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
  const spec = HELM_CHARTS[role];
  return new k8s.helm.v4.Chart(
    `${name}-${spec.chart}`,
    { chart: spec.chart, version: spec.version, repositoryOpts: { repo: spec.repo }, namespace, values },
    opts,
  );
}

/** Toleration + selector every GPU DaemonSet needs to land on (only) the tainted GPU nodes. */
export const GPU_SCHEDULING = {
  tolerations: [{ key: GPU_TAINT.key, operator: "Equal", value: GPU_TAINT.value, effect: GPU_TAINT.effect }],
  nodeSelector: { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value },
};
/** Selector that keeps an add-on's pods on the system nodes. */
export const SYSTEM_SCHEDULING = { nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } };
