/**
 * The cluster add-ons, in the order they are installed: the monitoring and KEDA namespaces, the AWS
 * Load Balancer Controller, the Cluster Autoscaler, the NVIDIA device plugin and dcgm-exporter, KEDA
 * and the OpenTelemetry Collector, each with its own IRSA role where it calls AWS (one file per
 * add-on family beside this one). Charts and versions come from HELM_CHARTS.
 */
import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { createClusterAutoscaler } from "./cluster-autoscaler";
import { createCollector } from "./collector";
import { NAMESPACES } from "./constants";
import { createDcgmExporter, createDevicePlugin } from "./gpu-addons";
import { createKeda } from "./keda";
import { createLoadBalancerController } from "./lb-controller";
import type { StackContext } from "../component";
import type { AddonOpts, IrsaContext } from "./shared";

export interface AddonsArgs extends IrsaContext {
  /** The stack: region and account (scope of the IAM policies), key and retention of the metrics log group. */
  context: StackContext;
  clusterName: string;
  vpcId: pulumi.Input<string>;
  kubernetesVersion: string;
  /** CloudWatch namespace the collector writes to. */
  metricsNamespace: string;
  /** Log group the collector's EMF records go to (CloudWatch extracts the metrics from them). */
  metricsLogGroupName: string;
  /** Name of the Triton namespace the collector scrapes. */
  tritonNamespace: string;
  /** Job queues whose backlog wakes Triton (KEDA reads their attributes). */
  jobQueueArns: pulumi.Input<string>[];
  /** Node-group name prefixes for the priority expander (`<prefix>gpu-primary-`, ...). */
  nodeGroupNamePrefix: string;
}

export interface Addons {
  monitoringNamespace: k8s.core.v1.Namespace;
  loadBalancerController: k8s.helm.v4.Chart;
  clusterAutoscaler: k8s.helm.v4.Chart;
  devicePlugin: k8s.helm.v4.Chart;
  dcgmExporter: k8s.helm.v4.Chart;
  keda: k8s.helm.v4.Chart;
  collector: k8s.helm.v4.Chart;
  metricsLogGroup: aws.cloudwatch.LogGroup;
  roles: Record<"loadBalancerController" | "clusterAutoscaler" | "keda" | "collector", aws.iam.Role>;
}

/** Installs the add-ons with `provider`, each waiting for `dependsOn` (a node to run on, DNS). */
export function createAddons(
  name: string,
  args: AddonsArgs,
  parent: pulumi.Resource,
  provider: k8s.Provider,
  dependsOn: pulumi.Resource[],
): Addons {
  const opts: AddonOpts = { parent, provider, dependsOn };
  const monitoringNamespace = namespace(NAMESPACES.monitoring);
  const kedaNamespace = namespace(NAMESPACES.keda);
  const inMonitoring = { ...opts, dependsOn: [...dependsOn, monitoringNamespace] };

  const loadBalancerController = createLoadBalancerController(name, args, opts);
  const clusterAutoscaler = createClusterAutoscaler(name, args, opts);
  const devicePlugin = createDevicePlugin(name, opts);
  const dcgmExporter = createDcgmExporter(name, inMonitoring);
  const keda = createKeda(name, args, { ...opts, dependsOn: [...dependsOn, kedaNamespace] });
  const collector = createCollector(name, args, inMonitoring);

  return {
    monitoringNamespace,
    loadBalancerController: loadBalancerController.chart,
    clusterAutoscaler: clusterAutoscaler.chart,
    devicePlugin,
    dcgmExporter,
    keda: keda.chart,
    collector: collector.chart,
    metricsLogGroup: collector.logGroup,
    roles: {
      loadBalancerController: loadBalancerController.role,
      clusterAutoscaler: clusterAutoscaler.role,
      keda: keda.role,
      collector: collector.role,
    },
  };

  function namespace(ns: string): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(`${name}-${ns}-ns`, { metadata: { name: ns } }, opts);
  }
}
