import { Construct } from "constructs";
import { AssetType, Fn, TerraformAsset, TerraformOutput } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import entryPoints from "../../scripts/entry-points.json";
import { fsxImportAlarmSpecs } from "../../core/alarms";
import { fsxImportNames, importScopes, type FsxAssociation } from "../../core/fsx-import";
import { encodeFsxImportEnv } from "../../core/function-env";
import { restoreEventPattern } from "../../core/patterns";
import { loadHandlerArtifact, type HandlerArtifact } from "../artifact";
import { denyInsecureTransport, lambdaAssumeStatement, policyDocument, serviceStatement } from "../policy";
import { DeadLetterQueue } from "./dead-letter-queue";
import { Foundation } from "./foundation";
import { RestoreAlarms } from "./restore-alarms";
import { fromBundle, jsonLogging, ownLogsStatement } from "./restore-function";

const entry = entryPoints.functions.find((f) => f.name === "fsx-import");
if (!entry) throw new Error("scripts/entry-points.json lists no function named fsx-import");
/** The import function's zip, as the build's table names it. */
export const FSX_IMPORT_ZIP = entry.zip;

/** Lambda runs the function at most this long; the queue hides a message six times as long (Lambda's advice). */
const FUNCTION_TIMEOUT_SECONDS = 60;
/** Receives before a message goes to the dead-letter queue: 24 × 15 min ≈ 6 h of waiting for a running task. */
const MAX_RECEIVES = 24;
const VISIBILITY_SECONDS = 900;

export interface FsxImportProps {
  readonly stackName: string;
  readonly associations: readonly FsxAssociation[];
  /** The targets' buckets and prefixes the log group feeds: restores completing there may need an import. */
  readonly targets: readonly { readonly bucket: string; readonly prefix: string }[];
  /** Where alarm notices go (none when empty). */
  readonly alarmActions: readonly string[];
  /** The import function's zip; read from the build output when absent. */
  readonly artifact?: HandlerArtifact;
}

/**
 * FSx import of restored files (one per FSx log-trigger stack): an EventBridge rule per bucket/prefix scope
 * sends S3's "Object Restore Completed" events to a queue; the import function reads them in batches and
 * starts one IMPORT_METADATA_FROM_REPOSITORY task per file system. Its role may create data repository
 * tasks on the associations' file systems only. The buckets must deliver their events to EventBridge.
 */
export class FsxImport extends Construct {
  /** Its alarms (restored files not imported, function failures). */
  readonly alarms: RestoreAlarms;
  readonly function: LambdaFunction;
  readonly queue: SqsQueue;
  readonly deadLetters: DeadLetterQueue;
  readonly rules: CloudwatchEventRule[];

  constructor(scope: Construct, id: string, props: FsxImportProps) {
    super(scope, id);
    const names = fsxImportNames(props.stackName);
    const scopes = importScopes(props.targets, props.associations);
    const fileSystems = [...new Set(props.associations.map((a) => a.fileSystemId))].sort();
    const { accountId } = Foundation.of(this);

    // Queue: restore events wait here for the next batch; what keeps failing moves to the dead-letter queue.
    this.deadLetters = new DeadLetterQueue(this, "dead-letters", { queueName: names.deadLetterQueue });
    this.queue = new SqsQueue(this, "queue", {
      name: names.queue,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      messageRetentionSeconds: 1_209_600,
      // jsonencode, not a JSON string around a reference: that would not survive `cdktf synth --hcl`.
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: this.deadLetters.queue.arn, maxReceiveCount: MAX_RECEIVES }),
    });

    // Rules: S3's restore-completed events of each scope (S3 User Guide, "EventBridge event message structure").
    this.rules = scopes.map(
      (s, i) =>
        new CloudwatchEventRule(this, `restored-${i}`, {
          name: names.rule(i),
          description: `Completed restores in s3://${s.bucket}/${s.prefix}: import the files into FSx for Lustre`.slice(
            0,
            512,
          ),
          eventPattern: JSON.stringify(restoreEventPattern("completed", s.bucket, s.prefix)),
        }),
    );
    if (this.rules.length === 0) this.deadLetters.tlsOnly();
    const ruleArns = this.rules.map((r) => r.arn);
    const queuePolicy = new SqsQueuePolicy(this, "queue-policy", {
      queueUrl: this.queue.url,
      policy: policyDocument(this, "queue-policy-document", [
        denyInsecureTransport(["sqs:*"], [this.queue.arn]),
        serviceStatement({
          sid: "RestoreCompletedEvents",
          service: "events.amazonaws.com",
          actions: ["sqs:SendMessage"],
          resources: [this.queue.arn],
          sourceArn: ruleArns,
          sourceAccount: accountId,
        }),
      ]).json,
    });
    this.rules.forEach((rule, i) => {
      const dlqPolicy = this.deadLetters.allowEventBridgeRule(rule.arn);
      new CloudwatchEventTarget(this, `restored-${i}-target`, {
        rule: rule.name,
        targetId: "fsx-import-queue",
        arn: this.queue.arn,
        retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
        deadLetterConfig: { arn: this.deadLetters.queue.arn },
        dependsOn: [queuePolicy, dlqPolicy],
      });
    });

    const { fn, rolePolicy } = this.createFunction(props, fileSystems);
    this.function = fn;
    // Batches: up to 100 objects (one task's Paths) gathered for up to a minute; failed items come back alone.
    new LambdaEventSourceMapping(this, "queue-source", {
      eventSourceArn: this.queue.arn,
      functionName: this.function.arn,
      batchSize: 100,
      maximumBatchingWindowInSeconds: 60,
      functionResponseTypes: ["ReportBatchItemFailures"],
      // The fewest SQS allows: few concurrent CreateDataRepositoryTask calls per file system.
      scalingConfig: { maximumConcurrency: 2 },
      dependsOn: [rolePolicy],
    });

    this.alarms = new RestoreAlarms(this, "alarms", {
      specs: fsxImportAlarmSpecs({
        functionName: names.function,
        deadLetterQueueName: names.deadLetterQueue,
        ruleNames: scopes.map((_, i) => names.rule(i)),
      }),
      alarmName: names.alarm,
      actions: props.alarmActions,
    });
    new TerraformOutput(this, "import_dead_letter_queue_url", {
      description: "Restore-completed events for which no FSx import task could be created",
      value: this.deadLetters.queue.url,
    });
    new TerraformOutput(this, "import_buckets_needing_eventbridge", {
      description: "Buckets whose S3 events must be delivered to EventBridge for the FSx import to run",
      value: [...new Set(scopes.map((s) => s.bucket))],
    });
  }

  /** The function: its role creates import tasks on these file systems only, reads its queue and writes its logs. */
  private createFunction(
    props: FsxImportProps,
    fileSystems: readonly string[],
  ): { fn: LambdaFunction; rolePolicy: IamRolePolicy } {
    const names = fsxImportNames(props.stackName);
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${names.function}`,
      retentionInDays: 30,
    });
    const foundation = Foundation.of(this);
    const fsxArn = (resource: string) => foundation.arn("fsx", resource);
    const trust = policyDocument(this, "trust", [lambdaAssumeStatement(foundation.accountId)]);
    const role = new IamRole(this, "role", { name: names.role, assumeRolePolicy: trust.json });
    const permissions = policyDocument(this, "permissions", [
      {
        // Both resource types are required by the action (Service Authorization Reference, Amazon FSx:
        // CreateDataRepositoryTask — file-system and task); a task's ID exists only once it is created.
        sid: "ImportIntoConfiguredFileSystems",
        effect: "Allow",
        actions: ["fsx:CreateDataRepositoryTask"],
        resources: [...fileSystems.map((fs) => fsxArn(`file-system/${fs}`)), fsxArn("task/*")],
      },
      {
        sid: "ReadImportQueue",
        effect: "Allow",
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        resources: [this.queue.arn],
      },
      ownLogsStatement(logGroup),
    ]);
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: "import-restored-files",
      role: role.id,
      policy: permissions.json,
    });
    const artifact = props.artifact ?? loadHandlerArtifact(FSX_IMPORT_ZIP);
    const asset = new TerraformAsset(this, "bundle", { path: artifact.zipPath, type: AssetType.FILE });
    const fn = new LambdaFunction(this, "function", {
      functionName: names.function,
      description: "Imports restored S3 objects into FSx for Lustre (IMPORT_METADATA_FROM_REPOSITORY tasks)",
      role: role.arn,
      ...fromBundle({ filename: asset.path, sourceCodeHash: artifact.sha256 }),
      handler: "index.handler",
      memorySize: 128,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      environment: { variables: encodeFsxImportEnv(props.associations) },
      loggingConfig: jsonLogging(logGroup),
      dependsOn: [logGroup, rolePolicy],
    });
    return { fn, rolePolicy };
  }
}
