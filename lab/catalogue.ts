// The key catalogue from the real jars (lab/java/Catalogue.java by reflection), the compact table the library ships
// (lib/core/versions/data/catalogues.json), and the comparison of the two.
// CLI: npm run catalogue -- <version>                 prints that version's catalogue from its jars (JSON)
//      npm run catalogue -- --write [version...]      regenerates the shipped table (all supported versions by default)
//      npm run catalogue -- --check [version...]      compares the shipped table with the jars; last line "N passed, N failed"
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Ctx } from "./checks";
import { CACHE, Jars } from "./jars";
import * as core from "../lib/core";
import { LAB_DIR, REPO_DIR, log, logTo, ms, run } from "./util";

// The shipped table's format, as the package's core exports it (rocketmq-cdktf/core).
const { canonical, CATALOGUE_DATA_VERSIONS, packTable, unpackVersion } = core.versions;
type CatalogueTable = core.versions.CatalogueTable;
type JarCatalogue = core.versions.JarCatalogue;
type JarKeySpec = core.versions.JarKeySpec;

export const TABLE_FILE = path.join(REPO_DIR, "lib", "core", "versions", "data", "catalogues.json");
const POM = path.join(LAB_DIR, "maven", "catalogue-pom.xml");

/**
 * Modules holding configuration classes that Maven Central does not carry for a release (checked 2026-11-25, one
 * HEAD request per artifact). rocketmq-common, -remoting and -store exist for every supported version; a version
 * without them (4.9.6, 5.1.2, 5.3.4) has no catalogue (lib/core/versions/table.ts UNSUPPORTED).
 * Classes of an absent module are reported under "missing" by Catalogue.java and give no keys.
 */
export const ABSENT_MODULES: Readonly<Record<string, readonly string[]>> = {
  "5.1.4": ["rocketmq-proxy"],
  "5.3.0": ["rocketmq-proxy"],
  "5.3.1": ["rocketmq-proxy"],
  "5.3.2": ["rocketmq-proxy"],
  "5.5.1": ["rocketmq-proxy", "rocketmq-auth"],
};

/**
 * What each startup class sets before it reads the file, overriding the field's default (same in every supported
 * version: read at the tags rocketmq-all-4.5.1 ... 5.3.3 and in the 4.5.0, 5.4.0, 5.5.0, 5.5.1 source jars):
 * BrokerStartup `nettyServerConfig.setListenPort(10911)`, NamesrvStartup `nettyServerConfig.setListenPort(9876)`,
 * 5.x ControllerStartup `nettyServerConfig.setListenPort(19876)`.
 */
const STARTUP_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  broker: { listenPort: "10911" },
  namesrv: { listenPort: "9876" },
  controller: { listenPort: "19876" },
};

function major(v: string): number {
  return Number(v.split(".")[0]);
}

/** The configuration jars of a version on a class path from the local Maven repository (no copies). */
export function ensureCatalogueJars(version: string): Jars {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a RocketMQ release version: ${version}`);
  const dir = path.join(CACHE, "catalogue", version);
  const cpFile = path.join(dir, "classpath.txt");
  const t = Date.now();
  let cached = true;
  if (!fs.existsSync(cpFile)) {
    cached = false;
    fs.mkdirSync(dir, { recursive: true });
    const absent = ABSENT_MODULES[version] ?? [];
    const profiles =
      major(version) >= 5
        ? [
            ["proxy", "rocketmq-proxy"],
            ["auth", "rocketmq-auth"],
            ["tiered", "rocketmq-tiered-store"],
          ]
            .filter(([, m]) => !absent.includes(m))
            .filter(([p]) => p !== "auth" || Number(version.split(".")[1]) >= 3)
            .filter(([p]) => p !== "tiered" || Number(version.split(".")[1]) >= 1)
            .map(([p]) => p)
        : [];
    const tmp = `${cpFile}.tmp-${process.pid}`;
    const args = [
      "-q",
      "-B",
      "-f",
      POM,
      "dependency:build-classpath",
      `-Drocketmq.version=${version}`,
      `-Dmdep.outputFile=${tmp}`,
    ];
    if (profiles.length) args.push(`-P${profiles.join(",")}`);
    log(`resolve the configuration jars of RocketMQ ${version}: mvn ${args.join(" ")}`);
    try {
      run("mvn", args, { timeoutMs: 10 * 60_000 });
    } catch (e) {
      const msg = (e as Error).message;
      const missing = msg.match(/org\.apache\.rocketmq:[\w.-]+:(jar|pom):[\w.-]+/g);
      throw new Error(
        `RocketMQ ${version} configuration jars do not resolve from Maven Central${missing ? `: missing ${[...new Set(missing)].sort().join(", ")}` : `: ${msg.slice(-800)}`}`,
        { cause: e },
      );
    }
    fs.renameSync(tmp, cpFile);
  }
  const classpath = fs.readFileSync(cpFile, "utf8").trim();
  return { version, libDir: dir, classpath, resolvedMs: Date.now() - t, cached };
}

/** Compiles lab/java/Catalogue.java once for every version (it uses only the JDK), cached by source hash. */
function compileCatalogue(): string {
  const src = path.join(LAB_DIR, "java", "Catalogue.java");
  const hash = crypto.createHash("sha256").update(fs.readFileSync(src)).digest("hex").slice(0, 12);
  const out = path.join(CACHE, "catalogue", "classes", `Catalogue-${hash}`);
  if (!fs.existsSync(path.join(out, "Catalogue.class"))) {
    const tmp = `${out}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    run("javac", ["-nowarn", "-encoding", "UTF-8", "-d", tmp, src], { timeoutMs: 120_000 });
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  }
  return out;
}

/** Runs Catalogue.java with only the environment it is given (NAMESRV_ADDR or ROCKETMQ_HOME leak into defaults). */
function javaRun(classes: string, jars: Jars, flags: string[], env: NodeJS.ProcessEnv): Promise<Record<string, any>> {
  const args = ["-Xmx256m", ...flags, "-cp", `${classes}:${jars.classpath}`, "Catalogue", jars.version];
  return new Promise((resolve, reject) => {
    execFile(
      "java",
      args,
      {
        env: { PATH: process.env.PATH, LANG: "C.UTF-8", ...env },
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: "SIGKILL",
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`java Catalogue ${jars.version}: ${err.message}\n${String(stderr).slice(-2000)}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

/**
 * The catalogue of a version from its jars: Catalogue.java run twice at once, on two different "machines" (user.home,
 * processor count, NAMESRV_ADDR and ROCKETMQ_HOME in the environment); a default that differs between the runs
 * depends on the machine and is shipped as `machineDependent` without a value. Then the startup classes' own
 * defaults (STARTUP_DEFAULTS) as effectiveDefault.
 */
export async function catalogueFromJars(version: string): Promise<JarCatalogue> {
  const jars = ensureCatalogueJars(version);
  const classes = compileCatalogue();
  const [a, b] = await Promise.all([
    javaRun(classes, jars, ["-XX:ActiveProcessorCount=3", "-Duser.home=/nonexistent/home-a"], {}),
    javaRun(classes, jars, ["-XX:ActiveProcessorCount=5", "-Duser.home=/nonexistent/home-b"], {
      NAMESRV_ADDR: "192.0.2.1:9876",
      ROCKETMQ_HOME: "/nonexistent/rocketmq-home-b",
    }),
  ]);
  const sections: Record<string, Record<string, any>> = {};
  const out: JarCatalogue = { version, appliedBy: a.appliedBy, missing: a.missing, sections };
  for (const [section, keys] of Object.entries(a)) {
    if (["version", "appliedBy", "missing"].includes(section)) continue;
    const specs: Record<string, any> = {};
    for (const [key, spec] of Object.entries(keys as Record<string, any>)) {
      const other = (b as any)[section]?.[key];
      const s: Record<string, unknown> = { ...spec };
      if (!other || other.default !== spec.default) {
        s.default = null;
        s.machineDependent = true;
      }
      const startup = STARTUP_DEFAULTS[section]?.[key];
      if (startup !== undefined) s.effectiveDefault = startup;
      specs[key] = s;
    }
    sections[section] = specs;
  }
  return out;
}

export function readTable(): CatalogueTable {
  return JSON.parse(fs.readFileSync(TABLE_FILE, "utf8"));
}

/** The versions the shipped table covers. */
export function shippedVersions(): string[] {
  if (!fs.existsSync(TABLE_FILE)) return [];
  return [...readTable().versions];
}

/** Regenerates the shipped table from the jars of `versions` (the others keep their shipped content). */
export async function writeTable(versions: readonly string[]): Promise<void> {
  const old = fs.existsSync(TABLE_FILE) ? readTable() : undefined;
  const all: JarCatalogue[] = [];
  for (const v of CATALOGUE_DATA_VERSIONS) {
    all.push(
      await (async () => {
        if (versions.includes(v) || !old || !old.versions.includes(v)) {
          const t = Date.now();
          const c = await catalogueFromJars(v);
          log(
            `catalogue ${v}: ${Object.entries(c.sections)
              .map(([s, k]) => `${s} ${Object.keys(k).length}`)
              .join(", ")}` +
              `${Object.keys(c.missing).length ? `; missing ${JSON.stringify(c.missing)}` : ""} (${ms(Date.now() - t)})`,
          );
          return c;
        }
        return unpackVersion(old, v);
      })(),
    );
  }
  fs.writeFileSync(TABLE_FILE, JSON.stringify(packTable(all)) + "\n");
}

/** Every difference between the shipped catalogue of a version and the jars': sections, keys, every field. */
export async function diffShipped(version: string): Promise<{ section: string; detail: string }[]> {
  const shipped = unpackVersion(readTable(), version);
  const jars = await catalogueFromJars(version);
  const diffs: { section: string; detail: string }[] = [];
  if (JSON.stringify(shipped.missing) !== JSON.stringify(jars.missing)) {
    diffs.push({
      section: "*",
      detail: `missing classes: shipped ${JSON.stringify(shipped.missing)} jars ${JSON.stringify(jars.missing)}`,
    });
  }
  const sections = [...new Set([...Object.keys(shipped.sections), ...Object.keys(jars.sections)])].sort();
  for (const s of sections) {
    const a = shipped.sections[s] ?? {};
    const b = jars.sections[s] ?? {};
    const onlyShipped = Object.keys(a)
      .filter((k) => !(k in b))
      .sort();
    const onlyJars = Object.keys(b)
      .filter((k) => !(k in a))
      .sort();
    const same = (x: JarKeySpec, y: JarKeySpec) =>
      JSON.stringify(canonical({ ...x, types: [...x.types].sort() })) ===
      JSON.stringify(canonical({ ...y, types: [...y.types].sort() }));
    const fieldDiff = Object.keys(a)
      .filter((k) => k in b)
      .sort()
      .filter((k) => !same(a[k], b[k]))
      .map((k) => `${k}: shipped ${JSON.stringify(a[k])} jars ${JSON.stringify(b[k])}`);
    const parts = [
      onlyShipped.length ? `only shipped: ${onlyShipped.join(", ")}` : "",
      onlyJars.length ? `only in jars: ${onlyJars.join(", ")}` : "",
      fieldDiff.length
        ? `differ: ${fieldDiff.slice(0, 10).join("; ")}${fieldDiff.length > 10 ? `; ... (${fieldDiff.length})` : ""}`
        : "",
    ].filter(Boolean);
    if (parts.length)
      diffs.push({
        section: s,
        detail: `${Object.keys(a).length} shipped / ${Object.keys(b).length} from jars; ${parts.join("; ")}`,
      });
  }
  return diffs;
}

/** The lab's check of one shipped version: everything the table says equals what the jars say. */
export async function checkShipped(ctx: Ctx, version: string): Promise<void> {
  let diffs: { section: string; detail: string }[];
  try {
    diffs = await diffShipped(version);
  } catch (e) {
    ctx.check(`catalogue ${version}: shipped catalogue = jars (Maven Central)`, false, (e as Error).message);
    return;
  }
  ctx.check(
    `catalogue ${version}: shipped catalogue = jars (Maven Central)`,
    diffs.length === 0,
    diffs.map((d) => `[${d.section}] ${d.detail}`).join(" | "),
  );
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const mode = args[0]?.startsWith("--") ? args.shift() : undefined;
  const versions = args.length > 0 ? args : [...CATALOGUE_DATA_VERSIONS];
  if (mode === "--write") {
    await writeTable(versions);
    return 0;
  }
  if (mode === "--check") {
    const t = Date.now();
    let failed = 0;
    for (const v of versions) {
      const t1 = Date.now();
      let diffs: { section: string; detail: string }[];
      try {
        diffs = await diffShipped(v);
      } catch (e) {
        diffs = [{ section: "*", detail: (e as Error).message }];
      }
      failed += diffs.length ? 1 : 0;
      process.stdout.write(
        `${diffs.length ? "FAIL" : "ok  "} ${v} (${ms(Date.now() - t1)})${diffs.map((d) => `\n     [${d.section}] ${d.detail}`).join("")}\n`,
      );
    }
    process.stdout.write(
      `catalogue check of ${versions.length} versions in ${ms(Date.now() - t)}\n${versions.length - failed} passed, ${failed} failed\n`,
    );
    return failed ? 1 : 0;
  }
  if (!mode && args.length === 1) {
    process.stdout.write(JSON.stringify(await catalogueFromJars(args[0]), null, 1) + "\n");
    return 0;
  }
  process.stderr.write("usage: npm run catalogue -- <version> | --write [version...] | --check [version...]\n");
  return 2;
}

if (require.main === module) {
  logTo.stream = process.stderr;
  main().then(
    (code) => process.exit(code),
    (e) => {
      log(`catalogue: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
