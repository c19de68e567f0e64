/**
 * The GPU node add-ons: the NVIDIA device plugin (advertises `nvidia.com/gpu` to the scheduler) and
 * dcgm-exporter (GPU utilisation and memory for the collector), both DaemonSets on the tainted GPU
 * nodes only.
 */
import type * as k8s from "@pulumi/kubernetes";
import { ADDON_REQUESTS } from "../../sizing";
import { NAMESPACES } from "./constants";
import { type AddonOpts, GPU_SCHEDULING, helmChart } from "./shared";

/** The device plugin, in kube-system. */
export function createDevicePlugin(name: string, opts: AddonOpts): k8s.helm.v4.Chart {
  return helmChart(
    name,
    "nvidiaDevicePlugin",
    "kube-system",
    {
      // Placement is decided by the node group's label alone (nodeSelector below); the chart's
      // default affinity also matches GPU-feature-discovery labels that this cluster does not run.
      affinity: null,
      ...GPU_SCHEDULING,
    },
    opts,
  );
}

/** dcgm-exporter, in the monitoring namespace (`opts` waits for it). */
export function createDcgmExporter(name: string, opts: AddonOpts): k8s.helm.v4.Chart {
  return helmChart(
    name,
    "dcgmExporter",
    NAMESPACES.monitoring,
    { serviceMonitor: { enabled: false }, resources: { requests: ADDON_REQUESTS.dcgmExporter }, ...GPU_SCHEDULING },
    opts,
  );
}
