/** The reader-log trigger in the synthesized stacks, and its permissions through the IAM policy simulator. */
import { logTriggerNames, targetNames } from "../../stacks/names";
import { proofConfigurations } from "../../testing/configurations";
import { ACCOUNT, References } from "../../testing/proof/references";
import { decide } from "../../testing/proof/simulate";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { all, single, synthConfig, synthToDisk } from "../../testing/synth";

const { config, stacks } = synthConfig(proofConfigurations().readers);
const groupOf = (name: string) => config.logTriggers.find((g) => g.logGroupName === name)!;

describe("targets fed by reader logs", () => {
  it("get no trail and no CloudTrail rule when CloudTrail is not among their sources", () => {
    expect(all(stacks["genomics-ref"]!, "aws_cloudtrail")).toEqual([]);
    expect(all(stacks["genomics-ref"]!, "aws_cloudwatch_event_rule")).toEqual([]);
    expect(stacks["genomics-ref"]!.output.rule_arn).toBeUndefined();
    // A target with both keeps its trail and rule.
    expect(all(stacks["genomics-raw"]!, "aws_cloudtrail")).toHaveLength(1);
    expect(all(stacks["genomics-raw"]!, "aws_cloudwatch_event_rule")).toHaveLength(1);
  });

  it("share one stack, one subscription filter and one router per log group", () => {
    const fsx = groupOf("/aws/fsx/lustre");
    expect(fsx.routes.map((r) => r.target)).toEqual(["genomics-raw", "genomics-ref"]);
    const stack = stacks[fsx.stackName]!;
    expect(single(stack, "aws_cloudwatch_log_subscription_filter")).toMatchObject({
      log_group_name: "/aws/fsx/lustre",
      filter_pattern: '?"unsupported tier" ?S3ImportUnsupportedTierWarning ?S3ImportSymlinkInUnsupportedTierWarning',
    });
    const router = single(stack, "aws_lambda_function");
    expect(JSON.parse(router.environment.variables.ROUTES)).toEqual([
      {
        target: "genomics-raw",
        functionName: "glacier-restore-genomics-raw",
        bucket: "fsx4l-store",
        prefix: "raw/",
        readers: ["fs-0123456789abcdef0"],
      },
      {
        target: "genomics-ref",
        functionName: "glacier-restore-genomics-ref",
        bucket: "fsx4l-store",
        prefix: "reference/",
      },
    ]);
    expect(router.environment.variables.READER_LOG_SOURCE).toBe("fsx-logs");
    expect(router.handler).toBe("index.handler");
    const gateway = stacks[groupOf("/storagegateway/sgw-B1D123D4").stackName]!;
    expect(single(gateway, "aws_cloudwatch_log_subscription_filter").filter_pattern).toBe(
      '{ $.type = "InaccessibleStorageClass" }',
    );
  });

  it("the router may invoke only its targets' functions, and only CloudWatch Logs of this log group may invoke it", async () => {
    const fsx = groupOf("/aws/fsx/lustre");
    const stack = stacks[fsx.stackName]!;
    const refs = new References(stack);
    const names = logTriggerNames(fsx.stackName);
    const role = all(stack, "aws_iam_role").find((r) => r.name === names.role);
    const roleArn = refs.attr("aws_iam_role", role, "arn");
    const policy = refs.policyOf(single(stack, "aws_iam_role_policy").policy);
    const fn = (name: string) => `arn:${refs.partition}:lambda:${refs.region}:${ACCOUNT}:function:${name}`;
    const invoke = (resource: string) =>
      decide({ principal: roleArn, action: "lambda:InvokeFunction", resource, identityPolicy: policy });
    expect(await invoke(fn(targetNames("genomics-raw").function))).toBe("Allowed");
    expect(await invoke(fn(targetNames("genomics-ref").function))).toBe("Allowed");
    expect(await invoke(fn(targetNames("share-archive").function))).toBe("ImplicitlyDenied");
    expect(await invoke(fn("anything-else"))).toBe("ImplicitlyDenied");
    // The function's resource policy, as Lambda builds it from aws_lambda_permission.
    const permission = single(stack, "aws_lambda_permission");
    expect(permission).toMatchObject({ principal: "logs.amazonaws.com", action: "lambda:InvokeFunction" });
    const routerArn = refs.attr("aws_lambda_function", single(stack, "aws_lambda_function"), "arn");
    const resourcePolicy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: permission.principal },
          Action: permission.action,
          Resource: routerArn,
          Condition: {
            ArnLike: { "AWS:SourceArn": refs.resolve(permission.source_arn) },
            StringEquals: { "AWS:SourceAccount": refs.resolve(permission.source_account) },
          },
        },
      ],
    };
    const logsInvoke = (group: string, account = ACCOUNT) =>
      decide({
        principal: "logs.amazonaws.com",
        action: "lambda:InvokeFunction",
        resource: routerArn,
        resourcePolicy: resourcePolicy as never,
        context: {
          "aws:SourceArn": `arn:${refs.partition}:logs:${refs.region}:${ACCOUNT}:log-group:${group}:*`,
          "aws:SourceAccount": account,
        },
      });
    expect(await logsInvoke("/aws/fsx/lustre")).toBe("Allowed");
    expect(await logsInvoke("/aws/fsx/other")).not.toBe("Allowed");
    expect(await logsInvoke("/aws/fsx/lustre", "210987654321")).not.toBe("Allowed");
  });

  it("is applied after the targets it routes to (the router may invoke only functions that exist)", () => {
    const { outdir } = synthToDisk(proofConfigurations().readers);
    const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks[groupOf("/aws/fsx/lustre").stackName].dependencies.sort()).toEqual([
      "genomics-raw",
      "genomics-ref",
    ]);
    expect(manifest.stacks[groupOf("/storagegateway/sgw-B1D123D4").stackName].dependencies).toEqual(["share-archive"]);
  });
});

describe("router alarms", () => {
  /** The readers configuration, with alarm destinations on its FSx-fed targets. */
  function withAlarmTopics(): Record<string, any> {
    const c = proofConfigurations().readers!;
    c.targets[0].alarms = { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:hpc-ops` };
    c.targets[1].notifications = { email: ["hpc-ops@example.com"] };
    return c;
  }

  it("have no actions and say so when none of the fed targets names a destination", () => {
    const stack = stacks[groupOf("/aws/fsx/lustre").stackName]!;
    const alarms = all(stack, "aws_cloudwatch_metric_alarm");
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(["ApproximateNumberOfMessagesVisible", "Errors"]);
    for (const a of alarms) expect(a.alarm_actions).toBeUndefined();
    expect(stack.output.alarm_names.value).toHaveLength(alarms.length);
    expect(stack.output.alarm_names.description).toMatch(/no actions/);
  });

  it("notify where the fed targets' alarms go, and the targets' own topics let them publish", () => {
    const synth = synthConfig(withAlarmTopics());
    const group = synth.config.logTriggers.find((g) => g.logGroupName === "/aws/fsx/lustre")!;
    const stack = synth.stacks[group.stackName]!;
    const account = Object.keys(stack.data.aws_caller_identity!)[0];
    const ownTopic = `arn:aws:sns:us-east-1:\${data.aws_caller_identity.${account}.account_id}:${targetNames("genomics-ref").topic}`;
    const alarms = all(stack, "aws_cloudwatch_metric_alarm");
    expect(alarms).toHaveLength(2);
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([`arn:aws:sns:us-east-1:${ACCOUNT}:hpc-ops`, ownTopic]);
      expect(a.ok_actions).toEqual(a.alarm_actions);
    }
    // genomics-ref's topic (and key) name the router's alarms among those CloudWatch may publish for.
    const ref = new References(synth.stacks["genomics-ref"]!);
    const topicPolicy = ref.policyOf(single(synth.stacks["genomics-ref"]!, "aws_sns_topic_policy").policy);
    const cloudwatch = topicPolicy.Statement.find((s) => s.Sid === "CloudWatchAlarms") as
      { Condition: { ArnEquals: Record<string, string | string[]> } } | undefined;
    const sourceArns = [cloudwatch!.Condition.ArnEquals["aws:SourceArn"]].flat();
    for (const a of alarms)
      expect(sourceArns).toContain(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${a.alarm_name}`);
  });

  it("are refused with the log group named when the fed targets' alarms go to more than five topics", () => {
    const c = proofConfigurations().readers!;
    c.targets = Array.from({ length: 6 }, (_, i) => ({
      name: `run-${i}`,
      bucket: "fsx4l-store",
      prefix: `run-${i}/`,
      alarms: { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:ops-${i}` },
      trigger: [{ type: "fsx-logs", logGroupName: "/aws/fsx/lustre" }],
    }));
    expect(() => synthConfig(c)).toThrow(
      /log group \/aws\/fsx\/lustre \(us-east-1\): its router's alarms would notify 6 topics.*at most 5 actions/,
    );
  });
});
