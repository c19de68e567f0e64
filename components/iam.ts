/**
 * IAM documents, written once. Components describe WHAT a role may do as statements; these
 * helpers turn them into policy JSON and trust policies, so no component hand-writes the envelope.
 */
import * as pulumi from "@pulumi/pulumi";

/** One IAM policy statement. Resources are ARNs (Outputs allowed); `*` only where AWS has no resource-level permission. */
export interface PolicyStatement {
  Sid?: string;
  Effect?: "Allow" | "Deny";
  Action: string | string[];
  Resource: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** A policy document (JSON string output) from statements; `Effect` defaults to Allow. */
export function policyDocument(statements: pulumi.Input<PolicyStatement[]>): pulumi.Output<string> {
  return pulumi.output(statements).apply((resolved) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: resolved.map((s) => ({ Effect: "Allow", ...s })),
    }),
  );
}

/** Trust policy letting an AWS service (e.g. `ecs-tasks.amazonaws.com`) assume a role, scoped to this account. */
export function serviceTrustPolicy(service: string, accountId?: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(accountId).apply((account) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sts:AssumeRole",
          ...(account ? { Condition: { StringEquals: { "aws:SourceAccount": account } } } : {}),
        },
      ],
    }),
  );
}

/**
 * Trust policy for IAM Roles for Service Accounts: only the named Kubernetes service account of
 * the cluster's OIDC issuer may assume the role (both `sub` and `aud` are pinned).
 */
export function irsaTrustPolicy(args: {
  oidcProviderArn: pulumi.Input<string>;
  /** Issuer URL, with or without `https://`. */
  oidcIssuer: pulumi.Input<string>;
  namespace: string;
  serviceAccount: string;
}): pulumi.Output<string> {
  return pulumi.all([args.oidcProviderArn, args.oidcIssuer]).apply(([providerArn, issuer]) => {
    const host = issuer.replace(/^https:\/\//, "");
    return JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${host}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
              [`${host}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });
}
