/**
 * S3 Batch Operations calls of `glacier-restore stage`: CreateJob with a request core/batch-jobs.ts built,
 * and DescribeJob to follow one (S3 Control API reference). The S3 Control endpoint is per account
 * (`<account>.s3-control.<region>.amazonaws.com`); the SDK derives it, or takes AWS_ENDPOINT_URL_S3_CONTROL.
 */
import { CreateJobCommand, DescribeJobCommand, type S3ControlClient } from "@aws-sdk/client-s3-control";
import type { AnyRestoreJobRequest } from "../core/batch-jobs";

/** CreateJob with a generated manifest, or with one written beforehand (`Manifest`). */
export async function createRestoreJob(client: S3ControlClient, request: AnyRestoreJobRequest): Promise<string> {
  const out = await client.send(new CreateJobCommand(request));
  if (!out.JobId) throw new Error("CreateJob answered without a JobId");
  return out.JobId;
}

export interface JobState {
  readonly status: string;
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly failureReasons: string[];
}

export async function describeJob(client: S3ControlClient, accountId: string, jobId: string): Promise<JobState> {
  const { Job: job } = await client.send(new DescribeJobCommand({ AccountId: accountId, JobId: jobId }));
  return {
    status: job?.Status ?? "Unknown",
    tasks: job?.ProgressSummary?.TotalNumberOfTasks ?? 0,
    succeeded: job?.ProgressSummary?.NumberOfTasksSucceeded ?? 0,
    failed: job?.ProgressSummary?.NumberOfTasksFailed ?? 0,
    failureReasons: (job?.FailureReasons ?? []).map((f) => `${f.FailureCode ?? ""}: ${f.FailureReason ?? ""}`),
  };
}
