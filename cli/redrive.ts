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
import { flagHelp, parseArgs, type FlagSpec } from "./args";
import { awsFailure, clientOptions, progress, resolveLocation, type Io } from "./context";

const FLAGS: Record<string, FlagSpec> = {
  "dry-run": { help: "say how many events wait, and hand none over" },
  max: { value: true, help: "hand over at most this many events (default: all that wait now)" },
  json: { help: "print the outcome as one JSON document" },
  help: { help: "this text" },
};

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

export async function redrive(argv: readonly string[], io: Io): Promise<void> {
  const { positional, flags } = parseArgs(argv, FLAGS, "redrive");
  if (flags.help) return void io.stdout.write(REDRIVE_HELP);
  if (positional[0]?.startsWith("s3://"))
    throw new GlacierRestoreError(
      "usage",
      "redrive: needs a target name (its deferred queue and function), not an S3 URL",
    );
  const location = resolveLocation(positional[0], io, "redrive");
  const target = location.target!;
  const maxText = flags.max;
  const max = maxText === undefined ? Infinity : Number(maxText);
  if (maxText !== undefined && (typeof maxText !== "string" || !Number.isInteger(max) || max < 1))
    throw new GlacierRestoreError("usage", `--max: must be a whole number, at least 1; got ${JSON.stringify(maxText)}`);
  if (Object.keys(target.budget).length === 0)
    throw new GlacierRestoreError(
      "usage",
      `redrive: target ${target.name} has no budget, so no deferred queue (budget.maxRestoresPerDay / maxGBPerDay)`,
    );
  const names = targetNames(target.name);
  const sqs = new SQSClient(clientOptions(target.region, io));
  const lambda = new LambdaClient(clientOptions(target.region, io));
  const where = `redrive ${target.name}`;
  const json = flags.json === true;
  try {
    const { QueueUrl: queueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.deferredQueue }));
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    const waiting = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? "0");
    const limit = Math.min(waiting, max);
    if (flags["dry-run"]) {
      io.stdout.write(
        json
          ? `${JSON.stringify({ target: target.name, queue: names.deferredQueue, waiting, wouldRedrive: limit, dryRun: true })}\n`
          : `${waiting} events wait in ${names.deferredQueue}; redrive would hand ${limit} to ${names.function}\n`,
      );
      return;
    }
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
    io.stdout.write(
      json
        ? `${JSON.stringify({ target: target.name, queue: names.deferredQueue, waiting, redriven: handed, failed })}\n`
        : `handed ${handed} of ${waiting} deferred events to ${names.function}${failed ? `, ${failed} failed` : ""}\n`,
    );
    if (failed)
      throw new GlacierRestoreError(
        "external",
        `${where}: ${failed} events could not be handed over (${failures.join("; ")}); they stay in the queue`,
      );
  } catch (err) {
    if (err instanceof GlacierRestoreError) throw err;
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
