/**
 * Alarm and alert timings that are the same in every tier (the tier table's `observability` section
 * holds what differs per tier: thresholds, log retention): CloudWatch evaluation windows, the budget's
 * alert points, and the NAT instance's self-healing reboot alarm.
 */

/**
 * Evaluation windows of the platform's alarms (components/observability). Alarm semantics rather
 * than sizes: every tier wants the same "sustained for 10 of 15 minutes".
 */
export const ALARM_WINDOWS = {
  /** Two of three 5-minute periods: one noisy datapoint does not page anyone. */
  sustained: { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 },
  /** One 5-minute period: a single datapoint is already an incident (DLQ not empty, failed node). */
  immediate: { periodSeconds: 300, evaluationPeriods: 1, datapointsToAlarm: 1 },
} as const;
export type AlarmWindow = keyof typeof ALARM_WINDOWS;

/** Budget alert points: early warning on the forecast, then the real overrun (issue 9). */
export const BUDGET_NOTIFICATIONS = [
  { thresholdPercent: 80, type: "FORECASTED" },
  { thresholdPercent: 100, type: "ACTUAL" },
] as const;

/**
 * When a NAT instance's OS stops answering (StatusCheckFailed_Instance), an alarm reboots it after
 * `rebootAfterFailedMinutes` failed minutes. EC2's simplified automatic recovery covers only the
 * system (hardware) checks; a hung kernel would otherwise hold its AZ's egress down until someone
 * noticed.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/UsingAlarmActions.html#AddingRebootActions
 */
export const NAT_INSTANCE_REBOOT = {
  rebootAfterFailedMinutes: 3,
  /** EC2 basic monitoring publishes status checks once a minute: the alarm's period. */
  statusCheckPeriodSeconds: 60,
} as const;
