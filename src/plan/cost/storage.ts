/**
 * Storage and messaging pricer: S3 (stored GB from the usage assumptions, requests from the tier's
 * jobs), ECR images, and SQS requests (the jobs' own plus the long polls of running worker tasks).
 */
import { num } from "../model";
import { PRICES } from "../prices";
import { MODEL_ASSUMPTIONS } from "./assumptions";
import type { Pricing } from "./pricing";
import type { TaskHoursByRole } from "./services";

export function priceStorage(p: Pricing): void {
  const { index, usage, traffic } = p;
  const buckets = p.owned("aws:s3/bucket:Bucket");
  if (buckets) {
    p.add(buckets, `S3 Standard storage (usage.s3GbStored, ${buckets.resources.length} buckets)`, usage.s3GbStored, "GB-month", PRICES.s3StandardGbMonth.usd, PRICES.s3StandardGbMonth, 0);
    p.add(buckets, "S3 PUT requests (jobs × 2)", (traffic.jobs * MODEL_ASSUMPTIONS.s3PutsPerJob) / 1000, "1 000 requests", PRICES.s3PutPerThousand.usd, PRICES.s3PutPerThousand, 0);
    p.add(buckets, "S3 GET requests (jobs × 4)", (traffic.jobs * MODEL_ASSUMPTIONS.s3GetsPerJob) / 1000, "1 000 requests", PRICES.s3GetPerThousand.usd, PRICES.s3GetPerThousand, 0);
  }
  for (const repo of index.ofType("aws:ecr/repository:Repository")) {
    p.add(repo, `ECR images (${repo.name})`, MODEL_ASSUMPTIONS.ecrGbPerRepository, "GB-month", PRICES.ecrGbMonth.usd, { ...PRICES.ecrGbMonth, estimate: true });
  }
}

/** SQS requests: each job's own, plus one receive per wait period per running worker task (idle workers long-poll). */
export function priceQueues(p: Pricing, taskHours: TaskHoursByRole): void {
  const queues = p.owned("aws:sqs/queue:Queue");
  if (!queues) return;
  const waitSeconds = Math.max(1, ...queues.resources.map((q) => num(q.inputs.receiveWaitTimeSeconds, 0)));
  const requests = p.traffic.jobs * MODEL_ASSUMPTIONS.sqsRequestsPerJob + (taskHours.worker * 3_600) / waitSeconds;
  p.add(
    queues,
    `SQS requests (${queues.resources.length} queues: jobs × 4 + long polls every ${waitSeconds} s per worker task)`,
    requests / 1e6,
    "million requests",
    PRICES.sqsPerMillion.usd,
    PRICES.sqsPerMillion,
    0,
  );
}
