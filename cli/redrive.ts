/**
 * `glacier-restore redrive <target>`: hands the events a target's daily budget refused (its deferred
 * queue) back to its restore function, after the budget was raised or a new day began. Each message is
 * one event, invoked asynchronously (as EventBridge does) and deleted only once Lambda accepted it.
 * At most the messages waiting when it starts are taken: an event the budget refuses again goes back to
 * the queue and is not picked up twice in one run.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { errorCode } from "../aws/aws-errors";
import { targetNames } from "../core/names";
import { GlacierRestoreError } from "../core/errors";
import type { ResolvedTarget } from "../config/types";
import { flagHelp, HELP_FLAG, parseArgs, type FlagTable } from "./args";
import { awsFailure, clientOptions, progress, resolveLocation, type Io } from "./context";
import { printResult, type CommandResult } from "./output";

const FLAGS = {
  "dry-run": { type: "boolean", help: "say how many events wait, and hand none over" },
  max: { type: "int", min: 1, help: "hand over at most this many events (default: all that wait now)" },
  json: { type: "boolean", help: "print the outcome as one JSON document" },
  ...HELP_FLAG,
} as const satisfies FlagTable;

export const REDRIVE_HELP = `Usage: glacier-restore redrive <target> [--dry-run] [--max N] [--json]

Hands the events the target's daily restore budget refused (queue glacier-restore-<target>-deferred) back
to its restore function: each is invoked asynchronously, as EventBridge would, and deleted from the queue
once Lambda accepted it. Raise budget.maxRestoresPerDay / maxGBPerDay and apply first (or wait for the
next UTC day): an event the budget refuses again returns to the queue. Events stay 14 days in the queue.
Needs sqs:GetQueueUrl, sqs:GetQueueAttributes, sqs:ReceiveMessage, sqs:DeleteMessage on the queue and
lambda:InvokeFunction on the function.

${flagHelp(FLAGS)}

Exit status: 0 every event taken was handed over, 1 failures, 2 bad usage.
`;

/** What `--json` prints: with --dry-run what would be handed over, else what was. */
export type RedriveReport =
  | { target: string; queue: string; waiting: number; wouldRedrive: number; dryRun: true }
  | { target: string; queue: string; waiting: number; redriven: number; failed: number };

interface HandOver {
  readonly result: CommandResult<RedriveReport>;
  /** The first few failed messages, "<id>: <code>". */
  readonly failures: readonly string[];
}

export async function redrive(argv: readonly string[], io: Io): Promise<void> {
  const args = parseArgs(argv, FLAGS, "redrive");
  if (args.help) return void io.stdout.write(REDRIVE_HELP);
  const { positional, flags } = args;
  if (positional[0]?.startsWith("s3://"))
    throw new GlacierRestoreError(
      "usage",
      "redrive: needs a target name (its deferred queue and function), not an S3 URL",
    );
  const target = (await resolveLocation(positional[0], io, "redrive")).target!;
  if (Object.keys(target.budget).length === 0)
    throw new GlacierRestoreError(
      "usage",
      `redrive: target ${target.name} has no budget, so no deferred queue (budget.maxRestoresPerDay / maxGBPerDay)`,
    );
  const { result, failures } = await handOver(target, flags.max ?? Infinity, flags["dry-run"], io);
  printResult(io, result, flags.json);
  if ("failed" in result.data && result.data.failed > 0)
    throw new GlacierRestoreError(
      "external",
      `redrive ${target.name}: ${result.data.failed} events could not be handed over (${failures.join("; ")}); they stay in the queue`,
    );
}

/** Receives up to `max` of the messages waiting now and invokes the function with each (none on a dry run). */
async function handOver(target: ResolvedTarget, max: number, dryRun: boolean, io: Io): Promise<HandOver> {
  const names = targetNames(target.name);
  const sqs = new SQSClient(clientOptions(target.region, io));
  const lambda = new LambdaClient(clientOptions(target.region, io));
  const where = `redrive ${target.name}`;
  const base = { target: target.name, queue: names.deferredQueue };
  try {
    const { QueueUrl: queueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.deferredQueue }));
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    const waiting = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? "0");
    const limit = Math.min(waiting, max);
    if (dryRun)
      return {
        result: {
          data: { ...base, waiting, wouldRedrive: limit, dryRun: true },
          text: () =>
            `${waiting} events wait in ${names.deferredQueue}; redrive would hand ${limit} to ${names.function}\n`,
        },
        failures: [],
      };
    const bar = progress(io);
    let handed = 0;
    let failed = 0;
    const failures: string[] = [];
    while (handed + failed < limit) {
      const { Messages: messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, limit - handed - failed),
          VisibilityTimeout: 120,
          WaitTimeSeconds: 1,
        }),
      );
      if (messages.length === 0) break;
      for (const m of messages) {
        try {
          await lambda.send(
            new InvokeCommand({
              FunctionName: names.function,
              InvocationType: "Event",
              Payload: new TextEncoder().encode(m.Body ?? "{}"),
            }),
          );
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
          handed++;
        } catch (err) {
          // The message stays in the queue (visible again after its timeout) for the next run.
          failed++;
          if (failures.length < 5) failures.push(`${m.MessageId}: ${errorCode(err)}`);
        }
        bar.update(`redrive ${target.name}: ${handed}/${limit} handed over`);
      }
    }
    bar.done();
    return {
      result: {
        data: { ...base, waiting, redriven: handed, failed },
        text: () =>
          `handed ${handed} of ${waiting} deferred events to ${names.function}${failed ? `, ${failed} failed` : ""}\n`,
      },
      failures,
    };
  } catch (err) {
    awsFailure(
      err,
      where,
      "the credentials need sqs:ReceiveMessage/DeleteMessage on the queue and lambda:InvokeFunction",
    );
  } finally {
    sqs.destroy();
    lambda.destroy();
  }
}
