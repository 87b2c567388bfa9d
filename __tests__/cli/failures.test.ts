/**
 * Every command, every way the outside world fails: the compiled command in its own process with the real
 * AWS SDK, against the project's emulator, a closed port, an unresolvable host, a socket that never
 * answers, and a server that answers every request with one error. Each must end in one line naming what
 * failed and what to do (wait: a line per retry first), exit 1, and never a stack trace.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { exampleConfig } from "../../testing/config";
import { localAwsEnv, runProcess } from "../../testing/process";
import { S3Emulator } from "../../testing/s3-emulator";

const root = path.join(__dirname, "..", "..");
const emulator = new S3Emulator();
let emulatorUrl = "";
let config = "";
let closedPort = "";
let silentUrl = "";
let silent: TcpServer;
/** Answers every request with the error `answer` says; counts them. */
let failing: Server;
let failingUrl = "";
let answer = { status: 503, code: "ServiceUnavailable" };

const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  emulatorUrl = await emulator.start();
  const c = exampleConfig();
  c.targets[0].budget = { maxRestoresPerDay: 100 };
  config = path.join(mkdtempSync(path.join(tmpdir(), "gr-fail-")), "config.json");
  writeFileSync(config, JSON.stringify(c));
  // A port that was open a moment ago and is closed now: connection refused.
  const probe = createTcpServer().listen(0, "127.0.0.1");
  await new Promise((r) => probe.on("listening", r));
  closedPort = `http://127.0.0.1:${port(probe)}`;
  await new Promise((r) => probe.close(r));
  // Accepts connections and never answers: the request timeout must end the wait.
  silent = createTcpServer(() => undefined).listen(0, "127.0.0.1");
  await new Promise((r) => silent.on("listening", r));
  silentUrl = `http://127.0.0.1:${port(silent)}`;
  failing = createHttpServer((req, res) => {
    req.resume();
    const json = typeof req.headers["x-amz-target"] === "string";
    res.writeHead(answer.status, {
      "content-type": json ? "application/x-amz-json-1.0" : "application/xml",
      ...(json ? { "x-amzn-query-error": `${answer.code};Sender` } : {}),
    });
    res.end(
      req.method === "HEAD"
        ? undefined
        : json
          ? JSON.stringify({ __type: `com.amazonaws.sqs#${answer.code}`, message: answer.code })
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>${answer.code}</Message></Error>`,
    );
  }).listen(0, "127.0.0.1");
  await new Promise((r) => failing.on("listening", r));
  failingUrl = `http://127.0.0.1:${port(failing)}`;
});
afterAll(async () => {
  await emulator.stop();
  silent.close();
  failing.close();
});
beforeEach(() => {
  emulator.reset();
});

const COMMANDS: Record<string, string[]> = {
  status: ["status", "s3://fsx4l-store/raw/"],
  stage: ["stage", "s3://fsx4l-store/raw/", "--dry-run"],
  wait: ["wait", "s3://fsx4l-store/raw/", "--interval", "80ms", "--max-failures", "2"],
  check: ["check", "genomics-raw", "--key", "raw/a.bam", "--timeout", "1s", "--interval", "100ms"],
  redrive: ["redrive", "genomics-raw", "--dry-run"],
};

/** The command with every AWS endpoint at `endpoint`, two attempts per request, a short request timeout. */
function cli(command: string, endpoint: string, env: Record<string, string> = {}) {
  return runProcess(process.execPath, [path.join(root, "dist", "cli", "main.js"), ...COMMANDS[command]!], {
    cwd: root,
    env: localAwsEnv({
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
      AWS_ENDPOINT_URL_LAMBDA: endpoint,
      GLACIER_RESTORE_CONFIG: config,
      AWS_MAX_ATTEMPTS: "2",
      GLACIER_RESTORE_HTTP_TIMEOUT: "300ms",
      ...env,
    }),
  });
}

/**
 * Exit 1, nothing on stdout, no stack trace; the last stderr line names the command and the failure. A
 * `wait` whose failure may pass (`retried`) says first that it retries.
 */
function expectOneLineFailure(
  r: { code: number | null; stdout: string; stderr: string },
  command: string,
  text: RegExp,
  retried = true,
) {
  const lines = r.stderr.trim().split("\n");
  expect({ code: r.code, stack: /^\s+at /m.test(r.stderr), stdout: r.stdout }).toEqual({
    code: 1,
    stack: false,
    stdout: "",
  });
  // wait says each failed listing it retries, then gives up; every other command says one line.
  expect(lines).toHaveLength(command === "wait" && retried ? 2 : 1);
  for (const line of lines) expect(line).toMatch(new RegExp(`^${command} `));
  expect(lines.at(-1)).toMatch(text);
}

const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "",
  AWS_SECRET_ACCESS_KEY: "",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_CONFIG_FILE: "/nonexistent/config",
  AWS_EC2_METADATA_DISABLED: "true",
};

const commands = Object.keys(COMMANDS);

describe("every command fails in one line, never a stack trace", () => {
  it.concurrent.each(commands)("%s: no credentials", async (command) => {
    const r = await cli(command, emulatorUrl, NO_CREDENTIALS);
    expectOneLineFailure(r, command, /: no AWS credentials found \(set AWS_PROFILE, or AWS_ACCESS_KEY_ID/, false);
  });

  it.concurrent.each(commands)("%s: connection refused", async (command) => {
    const r = await cli(command, closedPort);
    expectOneLineFailure(
      r,
      command,
      /: cannot reach 127\.0\.0\.1:\d+ \(connection refused, ECONNREFUSED\) after 2 attempts: check the endpoint/,
    );
  });

  it.concurrent.each(commands)("%s: DNS failure", async (command) => {
    const r = await cli(command, "http://glacier-restore-test.invalid");
    expectOneLineFailure(
      r,
      command,
      /: cannot resolve host \S*glacier-restore-test\.invalid \(DNS (ENOTFOUND|EAI_AGAIN)\)/,
    );
  });

  it.concurrent.each(commands)("%s: an endpoint that never answers (request timeout)", async (command) => {
    const r = await cli(command, silentUrl);
    expectOneLineFailure(
      r,
      command,
      /: no answer within the request timeout after 2 attempts: check the network, or raise GLACIER_RESTORE_HTTP_TIMEOUT/,
    );
  });
});

// What each command says; `check` reads with HeadObject first, whose answer has no body, so no error code.
describe.each([
  [403, "AccessDenied", /: AccessDenied \(HTTP 403\): the credentials/, /: HTTP 403 Forbidden: the credentials/, false],
  [
    500,
    "InternalError",
    /: InternalError \(HTTP 500\) after 2 attempts: the service failed/,
    /: HTTP 500 Internal Server Error after 2 attempts: the service failed/,
    true,
  ],
  [
    503,
    "ServiceUnavailable",
    /: ServiceUnavailable \(HTTP 503\) after 2 attempts: the service failed/,
    /: HTTP 503 Service Unavailable after 2 attempts: the service failed to answer or asked to slow down/,
    true,
  ],
  [
    503,
    "SlowDown",
    /: SlowDown \(HTTP 503\): AWS is throttling these requests, still after 2 attempts; rerun later/,
    /: HTTP 503 Service Unavailable after 2 attempts/,
    true,
  ],
  [
    400,
    "ThrottlingException",
    /: ThrottlingException \(HTTP 400\): AWS is throttling these requests, still after 2 attempts/,
    /: HTTP 400 Bad Request$/,
    true,
  ],
])("every command against HTTP %i %s", (status, code, text, headText, transient) => {
  // One at a time: the failing server's answer is shared.
  it.each(commands)("%s", async (command) => {
    answer = { status, code };
    const r = await cli(command, failingUrl);
    expectOneLineFailure(r, command, command === "check" ? headText : text, transient);
  });
});

describe("no region anywhere", () => {
  it.each([
    ["status", 0],
    ["stage", 0],
    ["wait", 0],
    ["check", 1],
    ["redrive", 0],
  ])("%s runs in the bucket's or the target's region (exit %i), no 'Region is missing'", async (command, code) => {
    emulator.put("fsx4l-store", "raw/a.bam", "STANDARD");
    const r = await cli(command, emulatorUrl, { AWS_REGION: "", AWS_CONFIG_FILE: "/nonexistent/config" });
    expect({ code: r.code, stack: /^\s+at /m.test(r.stderr) }).toEqual({ code, stack: false });
    expect(r.stderr).not.toContain("Region is missing");
    if (command === "check")
      expect(r.stderr.trim()).toMatch(/^check s3:\/\/fsx4l-store\/raw\/a\.bam: the object is readable now/);
    else if (command === "redrive") expect(r.stderr).toBe("");
    else
      expect(r.stderr).toBe(
        "s3://fsx4l-store: using region us-east-1, the bucket's (from HeadBucket; --region sets another)\n",
      );
    expect(new Set(emulator.signingRegions)).toEqual(new Set(["us-east-1"]));
  });
});
