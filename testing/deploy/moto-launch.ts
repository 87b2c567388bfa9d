import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import * as path from "node:path";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** moto's server on 127.0.0.1 with the deploy proof's patches (testing/deploy/moto_server.py). */
export class PatchedMoto {
  private child?: ChildProcess;
  private stderr = "";
  endpoint = "";

  async start(): Promise<string> {
    const port = await freePort();
    const launcher = path.join("testing", "deploy", "moto_server.py");
    this.child = spawn("python3", [launcher, "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.child.stderr?.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && this.child.exitCode === null) {
      try {
        if ((await fetch(`${this.endpoint}/moto-api/`)).status < 500) return this.endpoint;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.stop();
    throw new Error(`the patched moto server did not start:\n${this.stderr}`);
  }

  stop(): void {
    this.child?.kill("SIGTERM");
  }
}
