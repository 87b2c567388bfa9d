/**
 * Deploy proof (`npm run test:deploy`, not part of `npm test`): the stacks of one covering configuration
 * are applied with the real Terraform AWS provider against moto, planned again, read back with the SDK,
 * destroyed in reverse order, and moto must hold nothing afterwards. See docs/testing.md,
 * "Deploy proof against moto". DEPLOY_PROOF_ONLY=a,b limits the run to those stacks (and their
 * dependencies); DEPLOY_PROOF_SEED=<defect> seeds a defect (testing/deploy/seeds.ts) that must fail it.
 */
import * as path from "node:path";
import { deployConfiguration } from "../../testing/deploy/configuration";
import { MotoServer } from "../../testing/moto";
import { formatTable, requireTools, runDeployProof } from "../../testing/deploy/proof";

const log = (line: string) => process.stdout.write(`${line}\n`);

describe("deploy proof against moto", () => {
  // moto with the deploy proof's patches (a comment per gap in the launcher).
  const moto = new MotoServer([path.join("testing", "deploy", "moto_server.py")]);
  afterAll(() => moto.stop());

  it("applies, re-plans without changes, reads back, destroys and leaves nothing", async () => {
    requireTools();
    const endpoint = await moto.start();
    const result = await runDeployProof(deployConfiguration(), {
      endpoint,
      width: Number(process.env.DEPLOY_PROOF_PARALLEL ?? 6),
      only: process.env.DEPLOY_PROOF_ONLY?.split(","),
      seed: process.env.DEPLOY_PROOF_SEED,
      log,
    });
    log(`\n${formatTable(result.rows)}\n`);
    for (const row of result.rows) for (const gap of row.gaps) log(`moto gap tolerated: ${gap}`);
    // One assertion, so a red run shows every kind of problem at once.
    expect({
      unexpectedPlanChanges: result.rows.flatMap((r) => r.unexpected),
      readbackProblems: result.readbackProblems,
      guardProblems: result.guardProblems,
      leftovers: result.leftovers,
    }).toEqual({ unexpectedPlanChanges: [], readbackProblems: [], guardProblems: [], leftovers: {} });
  });
});
