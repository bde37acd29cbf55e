// The VM lab's inputs that no registry serves: a Debian root that boots under systemd-nspawn with cloud-init (made by
// debootstrap, cached as a tar), and a RocketMQ binary distribution zip in the Apache zip's layout, built from the
// Maven Central jars and the deploy lab's start scripts (cached; no Apache archive is reachable here).
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureJars } from "../jars";
import { log, ms, run } from "../util";

export const VM_CACHE = process.env.ROCKETMQ_VM_CACHE ?? path.join(os.homedir(), ".cache", "rocketmq-cdktf-vm");
const SUITE = "bookworm";
const DEBIAN_MIRROR = process.env.ROCKETMQ_DEPLOY_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
/** What a cloud image has (systemd, cloud-init), plus what the user-data uses (curl, unzip) and a Java runtime. */
export const VM_PACKAGES = [
  "systemd",
  "systemd-sysv",
  "dbus",
  "cloud-init",
  "python3-cffi-backend",
  "openjdk-17-jre-headless",
  "iproute2",
  "unzip",
  "curl",
  "ca-certificates",
];
/**
 * The image's own cloud-init settings (what a cloud image's vendor sets): only the NoCloud seed (no metadata service
 * to wait for), the network left alone (the lab's namespace has it set up), and no locale (a minbase root has no
 * `locales` package: `update-locale` would fail and cloud-init would report it as an error of the boot).
 */
const CLOUD_CFG =
  "# rocketmq-cdktf VM lab: the image's settings\ndatasource_list: [ NoCloud, None ]\nnetwork: {config: disabled}\nlocale: false\n";

/** Unpacks the cached root into `dir` with the image's cloud-init settings: the machines' shared lower layer. */
export function unpackVmRoot(tar: string, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  run("tar", ["-C", dir, "--numeric-owner", "-xf", tar], { timeoutMs: 600_000 });
  fs.writeFileSync(path.join(dir, "etc/cloud/cloud.cfg.d/90-rocketmq-cdktf-lab.cfg"), CLOUD_CFG);
}
const SCRIPTS_DIR = path.join(__dirname, "..", "engine", "image");

function sha(...parts: (string | Buffer)[]): string {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 12);
}

function mib(file: string): number {
  return Math.round(fs.statSync(file).size / 1024 / 1024);
}

/** debootstrap of Debian 12 with systemd, cloud-init and Java 17 as a tar (cached; about 2 min and 630 MB the first time). */
export function ensureVmRoot(): { file: string; cached: boolean; tookMs: number } {
  const file = path.join(VM_CACHE, `debian-${SUITE}-vm-${sha(SUITE, ...VM_PACKAGES)}.tar`);
  if (fs.existsSync(file)) return { file, cached: true, tookMs: 0 };
  fs.mkdirSync(VM_CACHE, { recursive: true });
  const root = fs.mkdtempSync(path.join(VM_CACHE, "debootstrap-"));
  const t = Date.now();
  try {
    log(`vm root: debootstrap --variant=minbase --include=${VM_PACKAGES.join(",")} ${SUITE} (${DEBIAN_MIRROR})`);
    run("debootstrap", ["--variant=minbase", `--include=${VM_PACKAGES.join(",")}`, SUITE, root, DEBIAN_MIRROR], {
      timeoutMs: 30 * 60_000,
    });
    for (const d of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"]) {
      fs.rmSync(path.join(root, d), { recursive: true, force: true });
      fs.mkdirSync(path.join(root, d), { recursive: true });
    }
    // Every machine gets its own identity at first boot.
    fs.writeFileSync(path.join(root, "etc/machine-id"), "");
    run("tar", ["-C", root, "--numeric-owner", "-cf", `${file}.tmp`, "."], { timeoutMs: 600_000 });
    fs.renameSync(`${file}.tmp`, file);
    log(`vm root: ready in ${ms(Date.now() - t)} (${mib(file)} MiB) ${file}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(`${file}.tmp`, { force: true });
  }
  return { file, cached: false, tookMs: Date.now() - t };
}

export interface DistZip {
  version: string;
  /** rocketmq-all-<version>-bin-release.zip */
  file: string;
  name: string;
  sha512: string;
}

/**
 * `rocketmq-all-<version>-bin-release.zip` with the Apache zip's layout (one folder `rocketmq-all-<version>-bin-release`
 * holding `bin/`, `conf/`, `lib/`): the Maven Central jars in lib/, the deploy lab image's start scripts in bin/ (Java 17
 * flags, `HEAP_OPTS` then `JAVA_OPT_EXT`), one logback file per role in conf/ (logging to `${user.home}/logs/rocketmqlogs`).
 */
export function ensureDistZip(version: string): DistZip {
  const jars = ensureJars(version);
  const scripts = fs
    .readdirSync(path.join(SCRIPTS_DIR, "bin"))
    .filter((s) => s !== "docker-entrypoint.sh")
    .sort();
  const template = fs.readFileSync(path.join(SCRIPTS_DIR, "conf", "logback.xml.template"), "utf8");
  const key = sha(
    fs.readFileSync(path.join(jars.libDir, "..", "complete.json")),
    template,
    ...scripts.map((s) => s + fs.readFileSync(path.join(SCRIPTS_DIR, "bin", s), "utf8")),
  );
  const name = `rocketmq-all-${version}-bin-release.zip`;
  const dir = path.join(VM_CACHE, "dist", `${version}-${key}`);
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    const t = Date.now();
    const stage = fs.mkdtempSync(path.join(VM_CACHE, "dist-"));
    try {
      const top = path.join(stage, `rocketmq-all-${version}-bin-release`);
      for (const d of ["bin", "conf", "lib"]) fs.mkdirSync(path.join(top, d), { recursive: true });
      for (const j of fs.readdirSync(jars.libDir).filter((f) => f.endsWith(".jar")))
        fs.copyFileSync(path.join(jars.libDir, j), path.join(top, "lib", j));
      for (const s of scripts) fs.copyFileSync(path.join(SCRIPTS_DIR, "bin", s), path.join(top, "bin", s));
      for (const role of ["namesrv", "broker", "controller", "proxy", "tools"])
        fs.writeFileSync(path.join(top, "conf", `logback_${role}.xml`), template.replace(/@ROLE@/g, role));
      fs.mkdirSync(dir, { recursive: true });
      // python3's zipfile keeps the scripts' mode bits (0755), as the Apache zip does.
      const py = [
        "import os, sys, zipfile",
        "stage, out = sys.argv[1], sys.argv[2]",
        'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:',
        "    for root, dirs, files in sorted(os.walk(stage)):",
        "        dirs.sort()",
        "        for f in sorted(files):",
        "            p = os.path.join(root, f)",
        "            info = zipfile.ZipInfo(os.path.relpath(p, stage), date_time=(2020, 1, 1, 0, 0, 0))",
        '            info.external_attr = ((0o100755 if "/bin/" in p else 0o100644) << 16)',
        "            info.compress_type = zipfile.ZIP_DEFLATED",
        '            z.writestr(info, open(p, "rb").read())',
      ].join("\n");
      run("python3", ["-c", py, stage, `${file}.tmp`], { timeoutMs: 300_000 });
      fs.renameSync(`${file}.tmp`, file);
      log(`dist: ${name} built from ${jars.libDir} in ${ms(Date.now() - t)} (${mib(file)} MiB)`);
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
      fs.rmSync(`${file}.tmp`, { force: true });
    }
  }
  const sha512 = crypto.createHash("sha512").update(fs.readFileSync(file)).digest("hex");
  return { version, file, name, sha512 };
}
