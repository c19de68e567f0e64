/**
 * AWS refusal rules, S3: bucket names.
 */
import { DOCS, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const S3_RULES: readonly AwsRefusalRule[] = [
  {
    id: "s3-bucket-name",
    types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    doc: DOCS.s3BucketNaming,
    observed: false,
    check: (inputs) => {
      const prefix = str(inputs.bucketPrefix);
      // The provider appends a 26-character unique suffix to a prefix: 63 - 26 = 37.
      if (prefix !== undefined && (prefix.length > 37 || !/^[a-z0-9][a-z0-9.-]*$/.test(prefix))) {
        return `InvalidBucketName: The specified bucket prefix "${prefix}" is not valid (at most 37 lowercase letters, digits, dots, hyphens).`;
      }
      const name = str(inputs.bucket);
      if (name === undefined) return undefined;
      const ok =
        name.length >= 3 &&
        name.length <= 63 &&
        /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
        !name.includes("..") &&
        !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
        !name.startsWith("xn--") &&
        !name.endsWith("-s3alias");
      return ok ? undefined : `InvalidBucketName: The specified bucket is not valid: "${name}".`;
    },
  },
];
