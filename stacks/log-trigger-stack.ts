import type { Construct } from "constructs";
import { AssetType, TerraformAsset, TerraformOutput } from "cdktf";
import { GlacierRestoreStack } from "./stack";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { LogTriggerGroup, ResolvedConfig } from "../config/resolve";
import { logTriggerAlarmSpecs } from "../core/alarms";
import { encodeRouterEnv } from "../core/function-env";
import { READER_FILTER_PATTERNS, type Route } from "../core/reader-logs";
import { hasFsxImport } from "../core/fsx-import";
import type { AlarmDestination } from "./alarm-routing";
import type { HandlerArtifact } from "./artifact";
import { DeadLetterQueue } from "./constructs/dead-letter-queue";
import { Foundation, placedFoundation } from "./constructs/foundation";
import { FsxImport } from "./constructs/fsx-import";
import { RestoreAlarms } from "./constructs/restore-alarms";
import { fromBundle, jsonLogging, ownLogsStatement } from "./constructs/restore-function";
import { logTriggerNames, targetNames } from "./names";
import { lambdaAssumeStatement, policyDocument } from "./policy";

export interface LogTriggerStackProps {
  readonly group: LogTriggerGroup;
  readonly stateBackend: ResolvedConfig["stateBackend"];
  readonly artifact: HandlerArtifact;
  /** The FSx import function's zip (for groups with associations); read from the build output when absent. */
  readonly importArtifact?: HandlerArtifact;
  /** Where the router's alarms notify (at most five, CloudWatch's limit of alarm actions). */
  readonly alarmDestinations: readonly AlarmDestination[];
}

/**
 * The one owner of our subscription filter on a reader log group (FSx for Lustre / File Cache data
 * repository events, or an S3 File Gateway's health log): a log group allows at most two subscription
 * filters, so every target fed by the group shares this filter and its router function. The filter
 * selects only archived-object lines; the router hands each miss to the restore function of the target
 * holding the object. The log group itself belongs to the reader and is not managed here.
 */
export class LogTriggerStack extends GlacierRestoreStack {
  constructor(scope: Construct, props: LogTriggerStackProps) {
    const g = props.group;
    super(scope, g.stackName);
    const base = new Foundation(this, "foundation", placedFoundation(g, props.stateBackend));
    const names = logTriggerNames(g.stackName);
    const logGroupArn = base.arn("logs", `log-group:${g.logGroupName}`);
    const routes: Route[] = g.routes.map((r) => ({
      target: r.target,
      functionName: targetNames(r.target).function,
      bucket: r.bucket,
      prefix: r.prefix,
      ...(r.readers ? { readers: [...r.readers] } : {}),
    }));

    const deadLetters = new DeadLetterQueue(this, "dead-letters", { queueName: names.deadLetterQueue });
    deadLetters.tlsOnly();
    const router = this.addRouter(g, props.artifact, routes, deadLetters);
    // CloudWatch Logs may invoke the router for this log group of this account only.
    const permission = new LambdaPermission(this, "logs-may-invoke", {
      statementId: "CloudWatchLogsSubscription",
      action: "lambda:InvokeFunction",
      functionName: router.functionName,
      principal: "logs.amazonaws.com",
      sourceArn: `${logGroupArn}:*`,
      sourceAccount: base.accountId,
    });
    new CloudwatchLogSubscriptionFilter(this, "subscription", {
      name: names.subscriptionFilter,
      logGroupName: g.logGroupName,
      filterPattern: READER_FILTER_PATTERNS[g.type],
      destinationArn: router.arn,
      dependsOn: [permission],
    });
    const specs = logTriggerAlarmSpecs({ functionName: names.function, deadLetterQueueName: names.deadLetterQueue });
    // Where the fed targets' alarms go (their alarms.topicArn, else their notifications topic, whose policies
    // let these alarms publish): see alarmRouting in stacks/app.ts.
    const actions = props.alarmDestinations.map((d) => (d.kind === "arn" ? d.arn : base.arn("sns", d.topicName)));
    // FSx: once a missed object's restore completes, import the file its failed import left out.
    const fsxImport =
      hasFsxImport(g) && g.associations
        ? new FsxImport(this, "fsx-import", {
            stackName: g.stackName,
            associations: g.associations,
            targets: g.routes,
            alarmActions: actions,
            ...(props.importArtifact ? { artifact: props.importArtifact } : {}),
          })
        : undefined;
    const alarms = new RestoreAlarms(this, "alarms", { specs, alarmName: names.alarm, actions });
    new TerraformOutput(this, "alarm_names", {
      value: [...alarms.alarms, ...(fsxImport?.alarms.alarms ?? [])].map((a) => a.alarmName),
      description:
        actions.length > 0
          ? "CloudWatch alarms of this log group's router (and FSx import)"
          : "CloudWatch alarms of this log group's router (and FSx import); no actions: none of its targets has an alarm topic or notifications",
    });
    new TerraformOutput(this, "log_group_name", {
      value: g.logGroupName,
      description: "Reader log group whose archived-object warnings this stack routes",
    });
    new TerraformOutput(this, "router_function_name", {
      value: router.functionName,
      description: "Lambda function handing each logged miss to its target's restore function",
    });
    new TerraformOutput(this, "subscription_filter_name", {
      value: names.subscriptionFilter,
      description: "Subscription filter on the log group (a log group allows two)",
    });
    new TerraformOutput(this, "dead_letter_queue_url", {
      value: deadLetters.queue.url,
      description: "Log deliveries the router could not hand over; inspect and redrive",
    });
    new TerraformOutput(this, "targets", {
      value: g.routes.map((r) => r.target),
      description: "Names of the targets this log group's misses are routed to",
    });
  }

  /** The router function: its role may invoke the routes' restore functions and write its own logs only. */
  private addRouter(
    g: LogTriggerGroup,
    artifact: HandlerArtifact,
    routes: readonly Route[],
    deadLetters: DeadLetterQueue,
  ): LambdaFunction {
    const names = logTriggerNames(g.stackName);
    const logGroup = new CloudwatchLogGroup(this, "router-log-group", {
      name: `/aws/lambda/${names.function}`,
      retentionInDays: 30,
    });
    const foundation = Foundation.of(this);
    const trust = policyDocument(this, "trust", [lambdaAssumeStatement(foundation.accountId)]);
    const role = new IamRole(this, "router-role", { name: names.role, assumeRolePolicy: trust.json });
    const permissions = policyDocument(this, "router-permissions", [
      {
        sid: "HandMissesToTargetFunctions",
        effect: "Allow",
        actions: ["lambda:InvokeFunction"],
        resources: routes.map((r) => foundation.arn("lambda", `function:${r.functionName}`)),
      },
      ownLogsStatement(logGroup),
      {
        sid: "DeadLetterFailedInvocations",
        effect: "Allow",
        actions: ["sqs:SendMessage"],
        resources: [deadLetters.queue.arn],
      },
    ]);
    const rolePolicy = new IamRolePolicy(this, "router-role-policy", {
      name: "route-reader-misses",
      role: role.id,
      policy: permissions.json,
    });
    const asset = new TerraformAsset(this, "router-bundle", { path: artifact.zipPath, type: AssetType.FILE });
    const router = new LambdaFunction(this, "router", {
      functionName: names.function,
      description: `Routes archived-object misses logged in ${g.logGroupName} to the glacier-restore targets`.slice(
        0,
        256,
      ),
      role: role.arn,
      ...fromBundle({ filename: asset.path, sourceCodeHash: artifact.sha256 }),
      handler: "index.handler",
      memorySize: 128,
      timeout: 60,
      environment: { variables: encodeRouterEnv({ source: g.type, routes }) },
      loggingConfig: jsonLogging(logGroup),
      dependsOn: [logGroup, rolePolicy],
    });
    new LambdaFunctionEventInvokeConfig(this, "router-async-config", {
      functionName: router.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21600,
      destinationConfig: { onFailure: { destination: deadLetters.queue.arn } },
    });
    return router;
  }
}
