// RocketMQ jars from Maven Central (through mvn) into a cache kept between runs, and the lab's Java helpers
// compiled against them.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LAB_DIR, log, ms, run } from "./util";

export const CACHE = process.env.ROCKETMQ_LAB_CACHE ?? path.join(os.homedir(), ".cache", "rocketmq-cdktf-lab");
const POM = path.join(LAB_DIR, "maven", "pom.xml");

/**
 * Maven Central does not carry every module of every release. 4.9.8: rocketmq-namesrv, rocketmq-broker and
 * rocketmq-filter are absent (404) while common/remoting/store/srvutil/acl/logging/client/tools 4.9.8 are there.
 * The lab then takes those three modules from the release named here and everything else from the requested one,
 * and says so in its output. (Config classes - BrokerConfig, NamesrvConfig, NettyServerConfig, MessageStoreConfig -
 * live in common/remoting/store, so the 4.9.8 catalogue is read from real 4.9.8 classes.)
 */
export const SERVER_MODULES_FROM: Record<string, string> = { "4.9.8": "4.9.7" };

export interface Jars {
  version: string;
  libDir: string;
  classpath: string; // "<libDir>/*"
  serverModulesFrom?: string;
  resolvedMs: number;
  cached: boolean;
}

/** Java 17 flags for RocketMQ's jars (they reach into java.nio and jdk.internal.ref): the process lab's servers, the client, the console. */
export const JAVA17_FLAGS = [
  "--add-opens",
  "java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.nio=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.util=ALL-UNNAMED",
  "--add-opens",
  "java.base/java.lang=ALL-UNNAMED",
  "--add-exports",
  "java.base/sun.nio.ch=ALL-UNNAMED",
];

const resolved = new Map<string, Jars>();

export function ensureJars(version: string): Jars {
  const hit = resolved.get(version);
  if (hit) return hit;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a RocketMQ release version: ${version}`);
  const dir = path.join(CACHE, version);
  const libDir = path.join(dir, "lib");
  const marker = path.join(dir, "complete.json");
  const serverModulesFrom = SERVER_MODULES_FROM[version];
  const t = Date.now();
  let cached = true;
  if (!fs.existsSync(marker)) {
    cached = false;
    const tmp = `${libDir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const args = [
      "-q",
      "-B",
      "-f",
      POM,
      "dependency:copy-dependencies",
      `-Drocketmq.version=${version}`,
      `-DoutputDirectory=${tmp}`,
    ];
    if (serverModulesFrom) args.push(`-Drocketmq.server.version=${serverModulesFrom}`);
    if (Number(version.split(".")[0]) >= 5) args.push("-Procketmq5");
    log(`resolve RocketMQ ${version}: mvn ${args.join(" ")}`);
    try {
      run("mvn", args, { timeoutMs: 15 * 60_000 });
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      const msg = (e as Error).message;
      const missing = msg.match(/org\.apache\.rocketmq:[\w.-]+:(jar|pom):[\w.-]+/g);
      throw new Error(
        `RocketMQ ${version} does not resolve from Maven Central${missing ? `: missing ${[...new Set(missing)].sort().join(", ")}` : `: ${msg.slice(-800)}`}`,
        { cause: e },
      );
    }
    fs.rmSync(libDir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.renameSync(tmp, libDir);
    fs.writeFileSync(
      marker,
      JSON.stringify(
        { version, serverModulesFrom: serverModulesFrom ?? null, jars: fs.readdirSync(libDir).sort() },
        null,
        1,
      ),
    );
  }
  const jars: Jars = {
    version,
    libDir,
    classpath: `${libDir}/*`,
    serverModulesFrom,
    resolvedMs: Date.now() - t,
    cached,
  };
  const n = fs.readdirSync(libDir).filter((f) => f.endsWith(".jar")).length;
  log(
    `RocketMQ ${version}: ${n} jars in ${libDir} (${cached ? "cached" : `resolved in ${ms(jars.resolvedMs)}`})` +
      (serverModulesFrom
        ? ` [namesrv/broker/filter modules from ${serverModulesFrom}: Maven Central has no ${version} of them]`
        : ""),
  );
  resolved.set(version, jars);
  return jars;
}

/** Compiles lab/java/<name>.java against the version's jars (cached by source hash); returns the class dir. */
export function compileHelper(jars: Jars, name: string): string {
  const src = path.join(LAB_DIR, "java", `${name}.java`);
  const hash = crypto.createHash("sha256").update(fs.readFileSync(src)).digest("hex").slice(0, 12);
  const out = path.join(CACHE, jars.version, "classes", `${name}-${hash}`);
  if (!fs.existsSync(path.join(out, `${name}.class`))) {
    const tmp = `${out}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    run("javac", ["-nowarn", "-encoding", "UTF-8", "-d", tmp, "-cp", jars.classpath, src], { timeoutMs: 120_000 });
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  }
  return out;
}
