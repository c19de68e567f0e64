/**
 * Least-privilege IAM statements for one platform bucket (what {@link Storage.grant} returns), kept
 * apart from the component because they are pure: bucket ARN, key and region in, statements out.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../iam";

/** What a grant allows: `read` lists and gets; `readWrite` also puts, deletes and aborts uploads. */
export type BucketAccess = "read" | "readWrite";

/**
 * The statements for `access` to one bucket (its role names the statement ids), optionally one key
 * prefix of it: list (limited to the prefix, plus requests that carry no prefix, i.e. HeadBucket),
 * get (and put/delete/abort for `readWrite`) objects, and the KMS permissions SSE-KMS needs, usable
 * only through S3 in `region`.
 */
export function bucketGrantStatements(
  access: BucketAccess,
  bucket: string,
  bucketArn: pulumi.Input<string>,
  kmsKeyArn: pulumi.Input<string>,
  region: string,
  prefix?: string,
): pulumi.Output<PolicyStatement[]> {
  const normalized = prefix?.replace(/^\/+|\/+$/g, "");
  if (normalized !== undefined && normalized.length === 0) {
    throw new Error(`Storage.grant: prefix "${prefix}" is empty; omit it to grant the whole bucket`);
  }
  const objectActions =
    access === "read"
      ? ["s3:GetObject", "s3:GetObjectVersion"]
      : ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
  const kmsActions = access === "read" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"];
  const sid = `${access === "read" ? "Read" : "ReadWrite"}${bucket[0].toUpperCase()}${bucket.slice(1)}`;
  return pulumi.all([bucketArn, kmsKeyArn]).apply(([arn, keyArn]): PolicyStatement[] => [
    {
      Sid: `${sid}List`,
      Action: "s3:ListBucket",
      Resource: arn,
      ...(normalized ? { Condition: { StringLike: { "s3:prefix": [normalized, `${normalized}/*`] } } } : {}),
    },
    // HeadBucket is authorised as s3:ListBucket and carries no s3:prefix, so the prefix condition
    // above refuses it; Triton's S3 file system calls it before anything else and refuses to start
    // (triton-inference-server/core src/filesystem/implementations/s3.h, CheckClient/IsDirectory;
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html). S3 also needs ListBucket
    // to answer 404 rather than 403 to a HeadObject of a missing key, which Triton treats as fatal.
    // Allowing only requests WITHOUT a prefix keeps listing under any other prefix refused.
    ...(normalized
      ? [{ Sid: `${sid}HeadBucket`, Action: "s3:ListBucket", Resource: arn, Condition: { Null: { "s3:prefix": "true" } } }]
      : []),
    {
      Sid: `${sid}Objects`,
      Action: objectActions,
      Resource: normalized ? `${arn}/${normalized}/*` : `${arn}/*`,
    },
    {
      Sid: `${sid}Key`,
      Action: kmsActions,
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
    },
  ]);
}
