/**
 * The stack's CloudWatch dashboard, drawn from the same {@link AlarmSpec} list as the alarms: one
 * section per component (a text header, then one graph per alarm with its threshold drawn in), so
 * every alarm has a graph and no graph shows a metric nobody alarms on.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ALARM_WINDOWS } from "../../sizing";
import { type AlarmSpec, type MetricRef, OBSERVED_COMPONENTS, type ObservedComponent } from "./alarms";

/** Dashboard grid: CloudWatch dashboards are 24 units wide. */
const GRID_WIDTH = 24;
const GRAPH = { width: 8, height: 6 } as const;
const HEADER_HEIGHT = 1;

const SECTION_TITLES: Record<ObservedComponent, string> = {
  gateway: "Gateway: load balancer and API service",
  workers: "Workers: Celery services per priority",
  queues: "Queues: job backlog and dead letters",
  database: "Database: RDS PostgreSQL",
  cache: "Cache: ElastiCache",
  inference: "Inference: GPUs, Triton and EKS nodes",
};

/** A widget's `metrics` row for one metric: `[namespace, name, dim, value, ..., {options}]`. */
function metricRow(m: MetricRef, options: Record<string, unknown>): pulumi.Input<unknown>[] {
  return [m.namespace, m.metricName, ...Object.entries(m.dimensions).flat(), { stat: m.stat, ...options }];
}

/** The `metrics` array of a graph widget for one alarm (math alarms show the expression, metrics hidden). */
export function widgetMetrics(spec: AlarmSpec): pulumi.Input<unknown>[][] {
  const entries = Object.entries(spec.metrics);
  if (!spec.expression) return entries.map(([id, m]) => metricRow(m, { id, label: spec.what }));
  return [
    [{ expression: spec.expression, id: "e1", label: `${spec.what} (${spec.unit})` }],
    ...entries.map(([id, m]) => metricRow(m, { id, visible: false })),
  ];
}

/** Dashboard body (the JSON object before stringification) for the given alarms. */
export function dashboardBody(specs: AlarmSpec[], region: string): { widgets: Record<string, unknown>[] } {
  const widgets: Record<string, unknown>[] = [];
  let y = 0;
  for (const component of OBSERVED_COMPONENTS) {
    const section = specs.filter((s) => s.component === component);
    if (section.length === 0) continue;
    widgets.push({
      type: "text",
      x: 0,
      y,
      width: GRID_WIDTH,
      height: HEADER_HEIGHT,
      properties: { markdown: `## ${SECTION_TITLES[component]}` },
    });
    y += HEADER_HEIGHT;
    const perRow = GRID_WIDTH / GRAPH.width;
    section.forEach((spec, i) => {
      widgets.push({
        type: "metric",
        x: (i % perRow) * GRAPH.width,
        y: y + Math.floor(i / perRow) * GRAPH.height,
        width: GRAPH.width,
        height: GRAPH.height,
        properties: {
          title: `${component}: ${spec.what}`,
          region,
          view: "timeSeries",
          period: ALARM_WINDOWS[spec.window].periodSeconds,
          metrics: widgetMetrics(spec),
          annotations: { horizontal: [{ label: "alarm threshold", value: spec.threshold }] },
        },
      });
    });
    y += Math.ceil(section.length / perRow) * GRAPH.height;
  }
  return { widgets };
}
