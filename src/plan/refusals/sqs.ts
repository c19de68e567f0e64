/**
 * AWS refusal rules, SQS: queue names, attribute ranges, and the dead-letter queue (type, maxReceiveCount).
 */
import { DOCS, num, obj, SQS_QUEUE, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const SQS_RULES: readonly AwsRefusalRule[] = [
  {
    id: "sqs-queue-name",
    types: [SQS_QUEUE],
    doc: DOCS.sqsCreateQueue,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name);
      if (name === undefined) return undefined;
      const fifo = inputs.fifoQueue === true;
      const base = name.endsWith(".fifo") ? name.slice(0, -5) : name;
      if (name.length > 80 || !/^[A-Za-z0-9_-]+$/.test(base)) {
        return `InvalidParameterValue: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length ("${name}").`;
      }
      if (fifo !== name.endsWith(".fifo")) return `InvalidParameterValue: The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length ("${name}", FifoQueue ${fifo}).`;
      return undefined;
    },
  },
  {
    id: "sqs-attribute-ranges",
    types: [SQS_QUEUE],
    doc: DOCS.sqsQuotas,
    observed: false,
    check: (inputs) => {
      const ranges: [string, string, number, number][] = [
        ["visibilityTimeoutSeconds", "VisibilityTimeout", 0, 43200],
        ["messageRetentionSeconds", "MessageRetentionPeriod", 60, 1209600],
        ["delaySeconds", "DelaySeconds", 0, 900],
        ["receiveWaitTimeSeconds", "ReceiveMessageWaitTimeSeconds", 0, 20],
        ["maxMessageSize", "MaximumMessageSize", 1024, 1048576],
        ["kmsDataKeyReusePeriodSeconds", "KmsDataKeyReusePeriodSeconds", 60, 86400],
      ];
      for (const [input, attribute, min, max] of ranges) {
        const v = num(inputs[input]);
        if (v !== undefined && (v < min || v > max)) return `InvalidAttributeValue: Invalid value for the parameter ${attribute}: ${v} (allowed ${min} to ${max}).`;
      }
      return undefined;
    },
  },
  {
    id: "sqs-dead-letter-queue-type",
    types: [SQS_QUEUE, "aws:sqs/redrivePolicy:RedrivePolicy"],
    doc: DOCS.sqsDlq,
    observed: false,
    check: (inputs, ctx) => {
      const target = str(obj(inputs.redrivePolicy)?.deadLetterTargetArn);
      const dlq = target === undefined ? undefined : ctx.byArn.get(target);
      if (!dlq || inputs.fifoQueue === undefined) return undefined;
      const sourceFifo = inputs.fifoQueue === true;
      return sourceFifo !== (dlq.inputs.fifoQueue === true)
        ? `InvalidParameterValue: Value for parameter RedrivePolicy is invalid. Reason: the dead-letter queue of a ${sourceFifo ? "FIFO" : "standard"} queue must also be a ${sourceFifo ? "FIFO" : "standard"} queue.`
        : undefined;
    },
  },
  {
    id: "sqs-redrive-max-receive-count",
    types: [SQS_QUEUE, "aws:sqs/redrivePolicy:RedrivePolicy"],
    doc: DOCS.sqsDlq,
    observed: false,
    check: (inputs) => {
      const policy = obj(inputs.redrivePolicy);
      const count = num(policy?.maxReceiveCount);
      return count !== undefined && (count < 1 || count > 1000)
        ? `InvalidAttributeValue: Value {"maxReceiveCount":${count}} for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: ${count}, valid values are from 1 to 1000 both inclusive.`
        : undefined;
    },
  },
];
