/**
 * The compiled operator command as users run it, in its own process with the real AWS SDK, against the
 * project's S3 emulator on 127.0.0.1 (S3, and S3 Control at <account>.localhost through the preload that
 * resolves RFC 6761 names). One emulator per test file, emptied before each test.
 */
import * as path from "node:path";
import { localAwsEnv, runProcess } from "./process";
import { S3Emulator } from "./s3-emulator";

const root = path.join(__dirname, "..");
const preload = path.join(root, "testing", "localhost-dns.cjs");

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Registers the emulator's start, stop and reset with jest; `cli` runs dist/cli/main.js against it. */
export function commandAgainstEmulator(): {
  readonly emulator: S3Emulator;
  readonly root: string;
  endpoint(): string;
  cli(args: string[], env?: Record<string, string>, cwd?: string): Promise<CommandRun>;
} {
  const emulator = new S3Emulator();
  let endpoint = "";
  beforeAll(async () => {
    endpoint = await emulator.start();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.reset());
  return {
    emulator,
    root,
    endpoint: () => endpoint,
    cli: (args, env = {}, cwd = root) =>
      runProcess(process.execPath, [path.join(root, "dist", "cli", "main.js"), ...args], {
        cwd,
        env: localAwsEnv({
          AWS_ENDPOINT_URL_S3: endpoint,
          AWS_ENDPOINT_URL_S3_CONTROL: endpoint.replace("127.0.0.1", "localhost"),
          NODE_OPTIONS: `--require ${preload}`,
          ...env,
        }),
      }),
  };
}
