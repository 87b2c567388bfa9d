import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** Whether the machine's Python can run moto's server; the reason when it cannot. */
export function motoAvailable(): { ok: boolean; why?: string } {
  const probe = spawnSync("python3", ["-c", "import moto.server, flask; print(moto.__version__)"], {
    encoding: "utf8",
  });
  if (probe.error) return { ok: false, why: "python3 is not installed" };
  if (probe.status !== 0)
    return { ok: false, why: `moto is not importable: ${probe.stderr.trim().split("\n").at(-1)}` };
  return { ok: true };
}

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

/**
 * moto's server on 127.0.0.1, started for one test file: `python3 -m moto.server` by default, or a launcher
 * script taking the same flags (the deploy proof's patched one, testing/deploy/moto_server.py).
 */
export class MotoServer {
  private child?: ChildProcess;
  private stderr = "";
  endpoint = "";

  constructor(private readonly launcher: string[] = ["-m", "moto.server"]) {}

  async start(): Promise<string> {
    const port = await freePort();
    this.child = spawn("python3", [...this.launcher, "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    // Kept (the last 4 KB) to say why a server did not start.
    this.child.stderr?.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && this.child.exitCode === null) {
      try {
        const res = await fetch(`${this.endpoint}/moto-api/`);
        if (res.status < 500) return this.endpoint;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.stop();
    throw new Error(`moto server (${this.launcher.join(" ")}) did not start within 20 s:\n${this.stderr}`);
  }

  stop(): void {
    this.child?.kill("SIGTERM");
  }
}
