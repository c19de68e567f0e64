/**
 * Triton's one private name at every tier, `triton.<zone>` (the name its TLS certificate is for): a
 * private Route 53 zone on the VPC and ExternalDNS, which points it at the ready Triton pods' VPC
 * addresses (`triton.endpoint: privateDns`, headless Service) or at the internal NLB (`loadBalancer`,
 * an alias A record). Pods have VPC addresses (VPC CNI), so the gateway and workers on Fargate reach
 * them directly; a ClusterIP would not be reachable from outside the cluster.
 *
 * ExternalDNS publishes only Ready endpoints of a headless Service (kubernetes-sigs/external-dns
 * source/service.go, `extractHeadlessEndpoints`: not-ready addresses skipped unless
 * `publishNotReadyAddresses`), so a cold Triton has no record until its readiness probe passes.
 * IAM as in external-dns docs/tutorials/aws.md, scoped to this one zone.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ADDON_REQUESTS, ROUTE53_SOA_TIMINGS, TRITON_PRIVATE_DNS } from "../../sizing";
import type { StackContext } from "../component";
import { createIrsaRole, type IrsaContext } from "./shared";
import { HELM_CHARTS, SYSTEM_NODE_LABEL } from "./constants";

/** Namespace and service account ExternalDNS runs as (the IRSA trust names them). */
const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "external-dns";

export interface PrivateDnsArgs extends IrsaContext {
  /** Zone name, e.g. `inference-platform-prod.internal`; Triton is `triton.<zoneName>`. */
  zoneName: string;
  /** The VPC the zone answers in. */
  vpcId: pulumi.Input<string>;
  /** The stack: its region (the zone's VPC association, ExternalDNS's AWS client). */
  context: StackContext;
  /** Owner id of ExternalDNS's TXT registry records: the cluster name. */
  clusterName: string;
}

export interface PrivateDns {
  zone: aws.route53.Zone;
  role: aws.iam.Role;
  chart: k8s.helm.v4.Chart;
  /** `triton.<zoneName>`: what the Triton Service is annotated with and clients resolve. */
  tritonHostname: string;
}

export function createPrivateDns(
  name: string,
  args: PrivateDnsArgs,
  parent: pulumi.Resource,
  provider: k8s.Provider,
  dependsOn: pulumi.Resource[],
): PrivateDns {
  const zone = new aws.route53.Zone(
    `${name}-private-zone`,
    {
      name: args.zoneName,
      comment: "Triton's address for the gateway and workers (ExternalDNS)",
      vpcs: [{ vpcId: args.vpcId, vpcRegion: args.context.region }],
      // Its A/TXT records are ExternalDNS's, derived from the cluster: destroying the stack removes the
      // zone, which Route 53 refuses while records remain (HostedZoneNotEmpty).
      forceDestroy: true,
      tags: args.tags,
    },
    { parent },
  );
  // Short negative caching: at zero replicas the name does not exist; after a wake, clients must
  // see the new record within seconds, not after Route 53's default 15 minutes.
  new aws.route53.Record(
    `${name}-private-zone-soa`,
    {
      zoneId: zone.zoneId,
      name: zone.name,
      type: "SOA",
      ttl: TRITON_PRIVATE_DNS.soaTtlSeconds,
      // The provider reports a private zone's primary name server with its trailing dot
      // (terraform-provider-aws route53/zone.go returns the NS value as is; hashicorp/terraform-provider-aws#14863):
      // add one only where it is missing, or the SOA gets an empty label and Route 53 refuses the batch.
      records: [pulumi.interpolate`${zone.primaryNameServer.apply(fullyQualified)} awsdns-hostmaster.amazon.com. ${ROUTE53_SOA_TIMINGS} ${TRITON_PRIVATE_DNS.negativeTtlSeconds}`],
      allowOverwrite: true,
    },
    { parent },
  );
  const zoneArn = pulumi.interpolate`arn:aws:route53:::hostedzone/${zone.zoneId}`;
  const role = createIrsaRole(
    name,
    "external-dns",
    {
      ...args,
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      statements: [
        { Sid: "RecordsOfThisZone", Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"], Resource: zoneArn },
        // ListHostedZones has no resource-level permission (Route 53 service authorization reference).
        { Sid: "FindTheZone", Action: ["route53:ListHostedZones"], Resource: "*" },
      ],
    },
    parent,
  );
  const spec = HELM_CHARTS.externalDns;
  const chart = new k8s.helm.v4.Chart(
    `${name}-${spec.chart}`,
    {
      chart: spec.chart,
      version: spec.version,
      repositoryOpts: { repo: spec.repo },
      namespace: NAMESPACE,
      values: {
        provider: { name: "aws" },
        serviceAccount: { name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
        // Only the Triton Service's name, only in this zone; records it no longer wants are deleted.
        sources: ["service"],
        domainFilters: [args.zoneName],
        policy: "sync",
        registry: "txt",
        txtOwnerId: args.clusterName,
        interval: TRITON_PRIVATE_DNS.syncInterval,
        triggerLoopOnEvent: true,
        // By id, not only by name: the same stack in another region of the account has a private zone
        // of the same name that this role may not change (its sync would fail on AccessDenied).
        extraArgs: ["--aws-zone-type=private", pulumi.interpolate`--zone-id-filter=${zone.zoneId}`],
        // Region given explicitly: pods cannot reach IMDS (node hop limit 1).
        env: [{ name: "AWS_DEFAULT_REGION", value: args.context.region }],
        nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        resources: { requests: ADDON_REQUESTS.externalDns },
      },
    },
    { parent, provider, dependsOn },
  );
  return { zone, role, chart, tritonHostname: `triton.${args.zoneName}` };
}

/** A DNS name with exactly one trailing dot (`ns-0.awsdns-00.com` and `ns-0.awsdns-00.com.` alike). */
export function fullyQualified(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}
