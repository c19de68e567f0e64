/**
 * AWS refusal rules, Application Auto Scaling: scalable target bounds.
 */
import { DOCS, num } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const APP_AUTOSCALING_RULES: readonly AwsRefusalRule[] = [
  {
    id: "appautoscaling-target-bounds",
    types: ["aws:appautoscaling/target:Target"],
    doc: DOCS.appAutoscaling,
    observed: false,
    check: (inputs) => {
      const min = num(inputs.minCapacity);
      const max = num(inputs.maxCapacity);
      return min !== undefined && max !== undefined && min > max
        ? `ValidationException: Minimum capacity cannot be greater than maximum capacity (${min} > ${max}).`
        : undefined;
    },
  },
];
