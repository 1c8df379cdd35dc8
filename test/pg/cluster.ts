/**
 * A throw-away PostgreSQL cluster for tests (SPEC 11): the server binaries on this machine,
 * `initdb` in a temp folder as the `postgres` user (the server refuses to run as root), a free
 * loopback port, no network exposure, removed after. `startCluster()` returns undefined where no
 * server binaries exist, so a suite can say so in one line and skip.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Cluster {
  /** postgres://… of the cluster's `postgres` database. */
  url: string;
  port: number;
  /** A fresh, empty database on the cluster, as a URL. */
  freshDatabase(prefix?: string): Promise<string>;
  /** Stops the server at once (`immediate`: no checkpoint), as a crash or restart would. */
  stop(): void;
  /** Starts it again on the same port and data. */
  start(): void;
  /** Stops it and removes its files. */
  destroy(): void;
}

/** The newest installed server's bin folder, or undefined. */
export function serverBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

export const NO_SERVER_MESSAGE = "no PostgreSQL server binaries under /usr/lib/postgresql: the PostgreSQL tests are skipped";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Runs a server binary as `postgres` when we are root (the server refuses root), else as we are. */
function asPostgres(bin: string, args: string[]): void {
  const [command, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const result = spawnSync(command, argv, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
}

let counter = 0;

export async function startCluster(): Promise<Cluster | undefined> {
  const bin = serverBinaries();
  if (bin === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "buddy-pg-"));
  chmodSync(dir, 0o700);
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  // No fsync: a test cluster is much faster, and what a commit wrote still survives the server's
  // own crash (the OS keeps it), which is what the restart tests do. Commits stay synchronous:
  // without that a commit acknowledged just before a crash would be lost, as no real server
  // configured for durability would lose it.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const start = () => asPostgres(join(bin, "pg_ctl"), ["-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "30", "start"]);
  const stop = () => asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    url,
    port,
    async freshDatabase(prefix = "t") {
      const name = `${prefix}_${process.pid}_${++counter}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
      const admin = new Bun.SQL(url, { max: 1 });
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.close();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      if (!running) return;
      stop();
      running = false;
    },
    start() {
      if (running) return;
      start();
      running = true;
    },
    destroy() {
      try {
        if (running) stop();
      } catch {
        // already down
      }
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
