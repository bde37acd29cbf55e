// The deploy lab's image: a Debian root from debootstrap (cached), plus per RocketMQ version the Maven Central jars
// and the start scripts of ./image (cached as a tar keyed by its inputs), imported into each engine.
// See ./image/README.md for where it differs from the official image.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JAVA17_FLAGS, compileHelper, ensureJars } from "../jars";
import { log, ms, run } from "../util";

export const DEPLOY_CACHE =
  process.env.ROCKETMQ_DEPLOY_CACHE ?? path.join(os.homedir(), ".cache", "rocketmq-cdktf-deploy");
const SUITE = "bookworm";
const DEBIAN_MIRROR = process.env.ROCKETMQ_DEPLOY_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
const PACKAGES = ["openjdk-17-jre-headless"];
const IMAGE_DIR = path.join(__dirname, "image");
/** The official image's user: apache/rocketmq-docker image-build/Dockerfile-ubuntu (uid and gid 3000). */
export const IMAGE_UID = 3000;
export const IMAGE_GID = 3000;
export const LAB_IMAGE_REPO = "rocketmq-cdktf-lab/rocketmq";
/** The stand-in for apacherocketmq/rocketmq-dashboard:2.1.0 (lab/java/LabConsole.java on the same root). */
export const LAB_CONSOLE_IMAGE = "rocketmq-cdktf-lab/rocketmq-dashboard:2.1.0";
const ROLES = ["namesrv", "broker", "controller", "proxy", "tools"];

function sha(...parts: (string | Buffer)[]): string {
  const h = crypto.createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex").slice(0, 12);
}

/** debootstrap of Debian 12 with a Java 17 runtime, as a tar (cached; about 1.5 min and 350 MB here). */
export function ensureBaseRoot(): string {
  const file = path.join(DEPLOY_CACHE, `debian-${SUITE}-${sha(SUITE, ...PACKAGES)}.tar`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DEPLOY_CACHE, { recursive: true });
  const root = fs.mkdtempSync(path.join(DEPLOY_CACHE, "debootstrap-"));
  const t = Date.now();
  try {
    log(`image: debootstrap --variant=minbase --include=${PACKAGES.join(",")} ${SUITE} (${DEBIAN_MIRROR})`);
    run("debootstrap", ["--variant=minbase", `--include=${PACKAGES.join(",")}`, SUITE, root, DEBIAN_MIRROR], {
      timeoutMs: 30 * 60_000,
    });
    for (const d of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"]) {
      fs.rmSync(path.join(root, d), { recursive: true, force: true });
      fs.mkdirSync(path.join(root, d), { recursive: true });
    }
    run("tar", ["-C", root, "--numeric-owner", "-cf", `${file}.tmp`, "."], { timeoutMs: 600_000 });
    fs.renameSync(`${file}.tmp`, file);
    log(`image: Debian root ready in ${ms(Date.now() - t)} (${mib(file)} MiB) ${file}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(`${file}.tmp`, { force: true });
  }
  return file;
}

function mib(file: string): number {
  return Math.round(fs.statSync(file).size / 1024 / 1024);
}

export interface ImageTar {
  version: string;
  file: string;
  /** `docker import --change` instructions: the official image's user, home, working directory and entrypoint. */
  changes: string[];
  rocketmqHome: string;
  /**
   * `docker import --change` instructions of the same root as the lab's stand-in for apache/rocketmq-dashboard
   * (lab/java/LabConsole.java): the dashboard image's entrypoint `sh -c "java $JAVA_OPTS -jar ..."` and user (root).
   */
  consoleChanges: string[];
}

/** Where the stand-in console's classes lie in the image root. */
const CONSOLE_DIR = "/opt/rocketmq-dashboard-lab";

/** The image root of one RocketMQ version as a tar (cached by its inputs: base root, jars, scripts). */
export function ensureImageTar(version: string): ImageTar {
  const base = ensureBaseRoot();
  const jars = ensureJars(version);
  const home = `/home/rocketmq/rocketmq-${version}`;
  const scripts = fs.readdirSync(path.join(IMAGE_DIR, "bin")).sort();
  const template = fs.readFileSync(path.join(IMAGE_DIR, "conf", "logback.xml.template"), "utf8");
  const consoleClasses = compileHelper(jars, "LabConsole");
  const key = sha(
    path.basename(base),
    fs.readFileSync(path.join(jars.libDir, "..", "complete.json")),
    template,
    path.basename(consoleClasses),
    ...scripts.map((s) => s + fs.readFileSync(path.join(IMAGE_DIR, "bin", s), "utf8")),
  );
  const file = path.join(DEPLOY_CACHE, "images", `rocketmq-${version}-${key}.tar`);
  const changes = [
    `ENV ROCKETMQ_VERSION=${version}`,
    `ENV ROCKETMQ_HOME=${home}`,
    "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64",
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "USER rocketmq",
    `WORKDIR ${home}/bin`,
    'ENTRYPOINT ["./docker-entrypoint.sh"]',
    'CMD ["dummy"]',
    "EXPOSE 9876 10909 10911 10912",
  ];
  // As apache/rocketmq-dashboard 2.1.0's src/main/docker/Dockerfile: no USER (root), JAVA_OPTS expanded by sh -c.
  // The classpath is quoted so that sh does not expand its `*`; the --add-opens are Java 17's (the image has Java 8).
  const consoleChanges = [
    "ENV JAVA_OPTS=",
    "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64",
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "USER root",
    "WORKDIR /",
    `ENTRYPOINT ["sh", "-c", "exec java ${JAVA17_FLAGS.join(" ")} $JAVA_OPTS -cp '${CONSOLE_DIR}:${home}/lib/*' LabConsole"]`,
    "EXPOSE 8082",
  ];
  const tar: ImageTar = { version, file, changes, rocketmqHome: home, consoleChanges };
  if (fs.existsSync(file)) return tar;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const root = fs.mkdtempSync(path.join(DEPLOY_CACHE, "image-"));
  const t = Date.now();
  try {
    run("tar", ["-C", root, "--numeric-owner", "-xf", base], { timeoutMs: 600_000 });
    // As the official Dockerfile: groupadd -g 3000 rocketmq && useradd -l -u 3000 -g 3000 -m -s /bin/bash rocketmq
    run("chroot", [root, "groupadd", "-g", String(IMAGE_GID), "rocketmq"]);
    run("chroot", [
      root,
      "useradd",
      "-l",
      "-u",
      String(IMAGE_UID),
      "-g",
      String(IMAGE_GID),
      "-m",
      "-s",
      "/bin/bash",
      "rocketmq",
    ]);
    const rh = path.join(root, home.slice(1));
    for (const d of ["bin", "conf", "lib"]) fs.mkdirSync(path.join(rh, d), { recursive: true });
    for (const j of fs.readdirSync(jars.libDir).filter((f) => f.endsWith(".jar")))
      fs.copyFileSync(path.join(jars.libDir, j), path.join(rh, "lib", j));
    for (const s of scripts) {
      fs.copyFileSync(path.join(IMAGE_DIR, "bin", s), path.join(rh, "bin", s));
      fs.chmodSync(path.join(rh, "bin", s), 0o755);
    }
    for (const role of ROLES)
      fs.writeFileSync(path.join(rh, "conf", `logback_${role}.xml`), template.replace(/@ROLE@/g, role));
    run("chroot", [root, "chown", "-R", `${IMAGE_UID}:${IMAGE_GID}`, home]);
    fs.mkdirSync(path.join(root, CONSOLE_DIR.slice(1)), { recursive: true });
    for (const c of fs.readdirSync(consoleClasses))
      fs.copyFileSync(path.join(consoleClasses, c), path.join(root, CONSOLE_DIR.slice(1), c));
    run("tar", ["-C", root, "--numeric-owner", "-cf", `${file}.tmp`, "."], { timeoutMs: 600_000 });
    fs.renameSync(`${file}.tmp`, file);
    log(`image: RocketMQ ${version} image root ready in ${ms(Date.now() - t)} (${mib(file)} MiB)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(`${file}.tmp`, { force: true });
  }
  // Older image tars of this version are superseded.
  for (const f of fs.readdirSync(path.dirname(file))) {
    if (f.startsWith(`rocketmq-${version}-`) && f !== path.basename(file))
      fs.rmSync(path.join(path.dirname(file), f), { force: true });
  }
  return tar;
}
