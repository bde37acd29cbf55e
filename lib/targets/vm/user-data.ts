/**
 * The processes placed on one VM as a cloud-init user-data document: one systemd unit per process, the same
 * generated files as the Docker target (the core's ProcessPlan, nothing rendered twice) at the VM's own paths, and an
 * install script that brings Java and the RocketMQ distribution (verified by its SHA-512), prepares every store and
 * log directory for the user RocketMQ runs as, then enables and starts the units.
 *
 * Pure: plain data in, text out; the VmHost construct only collects the plans.
 */
import * as path from "path";
import { ProcessKind, ProcessPlan } from "../../core/plan";
import { VmDistributionSpec, VmJavaSpec } from "./options";

/** Where a VM keeps what is not the store: one folder per process for its files and one for its logs. */
export const VM_CONFIG_ROOT = "/etc/rocketmq";
export const VM_LOG_ROOT = "/var/log/rocketmq";
/** The default store of a process on a VM: `/var/lib/rocketmq/<process name>`. */
export const VM_STORE_ROOT = "/var/lib/rocketmq";
/** The install script the user-data writes and runs (runcmd). */
export const VM_INSTALL_SCRIPT = "/usr/local/lib/rocketmq-cdktf/install.sh";
/** JAVA_HOME, written by the install script, read by every unit (RocketMQ's scripts need it). */
export const VM_JAVA_ENV = `${VM_CONFIG_ROOT}/java.env`;
/** The user every process runs as, as in the official image (`rocketmq`, uid and gid 3000 unless the cluster's runAs says another). */
export const VM_USER = "rocketmq";

/** Everything the renderer needs about one VM. */
export interface VmRenderInput {
  /** Construct path of the VM host (named in comments). */
  readonly hostPath: string;
  readonly address: string;
  /** The plans of the processes placed on the VM (a dashboard is skipped: the rules refuse it on a VM). */
  readonly plans: readonly ProcessPlan[];
  readonly java: VmJavaSpec;
  /** The distribution of every RocketMQ version that runs on the VM. */
  readonly distributions: Readonly<Record<string, VmDistributionSpec>>;
  /** Options appended to each process's JAVA_OPT_EXT (after the heap flags and user.home). */
  readonly javaOptions: readonly string[];
  /** LimitNOFILE of every unit. */
  readonly limitNofile: number;
}

/** One RocketMQ process as a systemd unit of the VM. */
export interface VmProcess {
  readonly path: string;
  readonly kind: ProcessKind;
  /** The process's name on the machine (its container name elsewhere): names its unit and folders. */
  readonly name: string;
  /** `rocketmq-<name>.service`. */
  readonly unit: string;
  readonly version: string;
  /** ROCKETMQ_HOME of its version. */
  readonly rocketmqHome: string;
  /** Its own `user.home`: RocketMQ logs to `${user.home}/logs/rocketmqlogs`, so two processes never share a log file. */
  readonly logHome: string;
  /** `/etc/rocketmq/<name>`. */
  readonly configDir: string;
  /**
   * The plan's files at their VM paths (the paths of the others they name rewritten); `yamlScalar` when the content is
   * a Terraform expression that may span lines (written as a quoted scalar, not a block).
   */
  readonly files: readonly { readonly path: string; readonly content: string; readonly yamlScalar?: string }[];
  /** Files already on the machine that the process reads (TLS certificates given by path): checked before it starts. */
  readonly hostFiles: readonly string[];
  /** The command: `/bin/sh <ROCKETMQ_HOME>/bin/mqbroker -c /etc/rocketmq/<name>/broker.properties`. */
  readonly execStart: readonly string[];
  /** Paths the unit removes before every start (ExecStartPre), as the plan's `resetBeforeStart`. */
  readonly resetBeforeStart: readonly string[];
  /** Environment of the unit, sorted by name. */
  readonly env: Readonly<Record<string, string>>;
  /** The store directory (the plan's store, at the VM path the properties name). */
  readonly store?: string;
  /** Units of the same VM that start first (its name servers and controllers). */
  readonly after: readonly string[];
  readonly user: string;
  readonly group: string;
  readonly labels: Readonly<Record<string, string>>;
}

const KIND_ORDER: Record<ProcessKind, number> = { namesrv: 0, controller: 1, broker: 2, proxy: 3, dashboard: 4 };
const KIND_LABEL: Record<ProcessKind, string> = {
  namesrv: "name server",
  controller: "controller",
  broker: "broker",
  proxy: "proxy",
  dashboard: "dashboard",
};

/** The VM's processes, name servers and controllers first, then by construct path: deterministic. */
export function vmProcesses(input: VmRenderInput): VmProcess[] {
  const plans = input.plans
    .filter((p) => p.kind !== ProcessKind.DASHBOARD)
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const unitOf = new Map(plans.map((p) => [p.path, unitName(p.containerName)]));
  const firstRunAs = plans.find((p) => p.runAs)?.runAs;
  return plans.map((p) => {
    const name = p.containerName;
    const dist = input.distributions[p.version];
    if (!dist) throw new Error(`${input.hostPath}: no RocketMQ distribution for version ${p.version}`);
    const configDir = `${VM_CONFIG_ROOT}/${name}`;
    const moved = new Map(p.files.map((f) => [f.path, `${configDir}/${f.path.slice(f.path.lastIndexOf("/") + 1)}`]));
    const [shell, script, ...args] = p.command;
    const execStart = [
      shell === "sh" ? "/bin/sh" : shell,
      `${dist.home}/bin/${script}`,
      ...args.map((a) => moved.get(a) ?? a),
    ];
    const logHome = `${VM_LOG_ROOT}/${name}`;
    // A file the process finds through a system property (ACL 1.0's), relative to the distribution's home.
    const fileProps = [
      ...p.files
        .filter((f) => f.systemProperty !== undefined)
        .map((f) => `-D${f.systemProperty}=${path.posix.relative(dist.home, moved.get(f.path)!)}`),
      // A file named by its absolute path (TLS's tls.config.file).
      ...p.files
        .filter((f) => f.absoluteProperty !== undefined)
        .map((f) => `-D${f.absoluteProperty}=${moved.get(f.path)!}`),
    ];
    const javaOptExt = [p.env.JAVA_OPT_EXT ?? "", ...fileProps, `-Duser.home=${logHome}`, ...input.javaOptions]
      .filter((s) => s !== "")
      .join(" ");
    const env: Record<string, string> = { ...p.env, JAVA_OPT_EXT: javaOptExt, ROCKETMQ_HOME: dist.home };
    // The VM's `rocketmq` user carries the first runAs; a cluster that runs as another uid:gid names it by number.
    const own = !p.runAs || (firstRunAs && p.runAs.uid === firstRunAs.uid && p.runAs.gid === firstRunAs.gid);
    return {
      path: p.path,
      kind: p.kind,
      name,
      unit: unitOf.get(p.path)!,
      version: p.version,
      rocketmqHome: dist.home,
      logHome,
      configDir,
      files: p.files.map((f) => ({
        path: moved.get(f.path)!,
        // The files it names (the TLS files in tls.properties, rmq-proxy.json) are at their VM paths too.
        content: (f.mentions ?? []).reduce((c, m) => c.split(m).join(moved.get(m) ?? m), f.content),
        ...(f.yamlScalar !== undefined ? { yamlScalar: f.yamlScalar } : {}),
      })),
      hostFiles: p.hostFiles ?? [],
      execStart,
      resetBeforeStart: p.resetBeforeStart ?? [],
      env: sortedRecord(env),
      store: p.store?.mountPath,
      after: p.startAfter.flatMap((path) => unitOf.get(path) ?? []),
      user: own ? VM_USER : String(p.runAs.uid),
      group: own ? VM_USER : String(p.runAs.gid),
      labels: p.labels,
    };
  });
}

export function unitName(processName: string): string {
  return `rocketmq-${processName}.service`;
}

/** The systemd unit of one process. */
export function vmUnit(p: VmProcess, limitNofile: number): string {
  const deps = ["network-online.target", ...p.after].join(" ");
  const lines = [
    `# Generated by rocketmq-cdktf for ${p.path} (RocketMQ ${p.version}).`,
    `# Do not edit: change the construct and synthesize again.`,
    `[Unit]`,
    `Description=RocketMQ ${KIND_LABEL[p.kind]} ${p.name}`,
    `Documentation=https://rocketmq.apache.org/docs/`,
    `After=${deps}`,
    `Wants=${deps}`,
    // Keys starting with X- are ignored by systemd: the plan's labels, for operators (as the containers' labels).
    ...Object.keys(p.labels)
      .sort()
      .map((k) => `X-RocketMQ-${labelKey(k)}=${unitValue(p.labels[k])}`),
    ``,
    `[Service]`,
    `Type=simple`,
    `User=${p.user}`,
    `Group=${p.group}`,
    `WorkingDirectory=${unitValue(p.rocketmqHome)}/bin`,
    `EnvironmentFile=${VM_JAVA_ENV}`,
    ...Object.keys(p.env).map((k) => `Environment=${quoteEnv(`${k}=${p.env[k]}`)}`),
    // State the process rebuilds from its files at start (ACL 2.0's accounts): removed first, as the user it runs as.
    ...(p.resetBeforeStart.length
      ? [`ExecStartPre=${["/bin/rm", "-rf", "--", ...p.resetBeforeStart].map(execArg).join(" ")}`]
      : []),
    `ExecStart=${p.execStart.map(execArg).join(" ")}`,
    // RocketMQ's scripts do not exec java: a killed JVM ends the script with 128+signal, a failure systemd restarts.
    `Restart=on-failure`,
    `RestartSec=5s`,
    // A JVM stopped by SIGTERM (systemctl stop) exits 143: a clean stop, not a failure.
    `SuccessExitStatus=143`,
    `TimeoutStopSec=60s`,
    `LimitNOFILE=${limitNofile}`,
    // As the containers: no capability, and no setuid program can give one.
    `NoNewPrivileges=yes`,
    `CapabilityBoundingSet=`,
    ``,
    `[Install]`,
    `WantedBy=multi-user.target`,
  ];
  return lines.join("\n") + "\n";
}

/** `rocketmq.brokerName` -> `BrokerName`. */
function labelKey(label: string): string {
  const k = label.replace(/^rocketmq\./, "").replace(/[^A-Za-z0-9-]/g, "-");
  return k.charAt(0).toUpperCase() + k.slice(1);
}

/** A value in a unit file: `%` starts a specifier, so it is doubled. */
function unitValue(s: string): string {
  return s.replace(/%/g, "%%");
}

/** `Environment="KEY=value with blanks"`: quoted, `\` and `"` escaped, `%` doubled. */
function quoteEnv(assignment: string): string {
  return /^[A-Za-z0-9_=:./,+-]*$/.test(assignment)
    ? unitValue(assignment)
    : `"${unitValue(assignment).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** One ExecStart argument: `$` and `%` are expanded by systemd, so they are escaped; blanks quoted. */
function execArg(a: string): string {
  const e = unitValue(a).replace(/\$/g, "$$$$");
  return /^[A-Za-z0-9_=:./,+@-]+$/.test(e) ? e : `"${e.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A word for sh, single-quoted unless plain. */
function sh(s: string): string {
  return /^[A-Za-z0-9_=:./,+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The install script run by cloud-init (runcmd): Java, the distribution(s), the user's directories, the units. */
export function vmInstallScript(input: VmRenderInput, processes: readonly VmProcess[]): string {
  const L: string[] = [
    "#!/bin/sh",
    `# Generated by rocketmq-cdktf for ${input.hostPath} (${input.address}). Run once by cloud-init (runcmd).`,
    "# Installs Java and RocketMQ, prepares the stores and log folders, then enables and starts the units.",
    "# Any failure (a download, a SHA-512 that does not match) stops it before a unit starts.",
    "set -eu",
    'log() { echo "rocketmq-cdktf: $*"; }',
    'fail() { echo "rocketmq-cdktf: ERROR: $*" >&2; exit 1; }',
    "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "",
    "# Java",
  ];
  if (input.java.debianPackage !== undefined) {
    const pkg = sh(input.java.debianPackage);
    L.push(
      `if ! dpkg -s ${pkg} 2>/dev/null | grep -q '^Status: install ok installed'; then`,
      `  log "installing ${input.java.debianPackage}"`,
      "  export DEBIAN_FRONTEND=noninteractive",
      "  apt-get update -q || fail 'apt-get update failed'",
      `  apt-get install -y -q --no-install-recommends ${pkg} || fail 'apt-get install ${input.java.debianPackage} failed'`,
      "fi",
    );
  }
  if (input.java.javaHome !== undefined) {
    L.push(
      `JAVA_HOME=${sh(input.java.javaHome)}`,
      `[ -x "$JAVA_HOME/bin/java" ] || fail "no java at $JAVA_HOME/bin/java"`,
    );
  } else {
    L.push(
      `java_bin=$(command -v java) || fail "no java on PATH"`,
      `JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java_bin")")")`,
    );
  }
  L.push(
    `install -d -m 0755 ${VM_CONFIG_ROOT}`,
    `printf 'JAVA_HOME=%s\\n' "$JAVA_HOME" > ${VM_JAVA_ENV}`,
    `log "JAVA_HOME=$JAVA_HOME ($("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1))"`,
    "",
  );

  const versions = [...new Set(processes.map((p) => p.version))].sort();
  if (versions.some((v) => input.distributions[v].url !== undefined)) {
    L.push(
      "# curl and unzip when the image has them, else python3 (cloud-init's own runtime, so always there).",
      "fetch() {",
      '  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 5 --retry-delay 2 --connect-timeout 30 -o "$2" "$1"',
      '  else python3 -c \'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])\' "$1" "$2"; fi',
      "}",
      "extract() {",
      '  if command -v unzip >/dev/null 2>&1; then unzip -q "$1" -d "$2"; else python3 -m zipfile -e "$1" "$2"; fi',
      "}",
      "# install_rocketmq <home> <url> <sha512, or empty: read <url>.sha512>",
      "install_rocketmq() {",
      "  home=$1; url=$2; expected=$3",
      '  if [ -f "$home/.rocketmq-cdktf-sha512" ]; then log "$home is installed"; return 0; fi',
      '  install -d -m 0755 "$(dirname "$home")"',
      '  tmp=$(mktemp -d "$(dirname "$home")/.download.XXXXXX")',
      '  log "downloading $url"',
      '  fetch "$url" "$tmp/dist.zip" || fail "download of $url failed"',
      '  if [ -z "$expected" ]; then',
      '    fetch "$url.sha512" "$tmp/dist.zip.sha512" || fail "download of $url.sha512 failed"',
      "    # `<hash>`, `<hash>  <file>` or gpg's `<file>: <HASH IN GROUPS>` on several lines",
      `    expected=$(sed -e 's/^[^:]*\\.zip://' -e 's/[ *][^ ]*\\.zip$//' "$tmp/dist.zip.sha512" | tr -d ' \\t\\r\\n' | tr 'A-F' 'a-f')`,
      "  fi",
      `  echo "$expected" | grep -Eq '^[0-9a-f]{128}$' || fail "no SHA-512 to verify $url against (got '$expected')"`,
      '  actual=$(sha512sum "$tmp/dist.zip" | cut -d " " -f 1)',
      '  [ "$actual" = "$expected" ] || fail "SHA-512 of $url is $actual, expected $expected: RocketMQ not installed, no unit started"',
      '  log "SHA-512 of $url verified"',
      '  extract "$tmp/dist.zip" "$tmp/x" || fail "cannot unzip $url"',
      "  src=$tmp/x",
      '  if [ ! -d "$src/bin" ]; then set -- "$tmp/x"/*; [ $# -eq 1 ] && [ -d "$1/bin" ] || fail "$url has no bin/ folder"; src=$1; fi',
      '  rm -rf "$home"',
      '  mv "$src" "$home"',
      '  echo "$actual" > "$home/.rocketmq-cdktf-sha512"',
      '  chown -R root:root "$home"',
      '  chmod -R u+rwX,go+rX,go-w "$home"',
      '  chmod a+x "$home"/bin/*',
      '  rm -rf "$tmp"',
      '  log "RocketMQ installed in $home"',
      "}",
    );
  }
  for (const v of versions) {
    const d = input.distributions[v];
    L.push(`# RocketMQ ${v}`);
    if (d.url !== undefined) L.push(`install_rocketmq ${sh(d.home)} ${sh(d.url)} ${d.sha512 ? sh(d.sha512) : "''"}`);
    else L.push(`[ -d ${sh(`${d.home}/bin`)} ] || fail ${sh(`RocketMQ ${v} is not at ${d.home} (preinstalled)`)}`);
  }
  L.push(
    "",
    "# Each process's file folder, log folder and store: handed to the user RocketMQ runs as (0750).",
    'own() { o=$1; shift; for d in "$@"; do mkdir -p "$d" && chown "$o" "$d" && chmod 0750 "$d"; done; }',
    "# A store directory of the user's (store.hostPath) is handed over only when this script makes it; one that exists",
    "# must be that user's already, else nothing starts.",
    "own_made() { o=$1; d=$2;",
    '  if [ -d "$d" ]; then',
    '    [ "$(stat -c %U:%G "$d")" = "$o" ] || fail "$d exists and is owned by $(stat -c %U:%G "$d"), not by $o: the install script hands over only directories it makes; if it is this store\'s, run chown $o $d, else name a directory that does not exist yet"',
    '  else mkdir -p "$d" && chmod 0750 "$d" && chown "$o" "$d"; fi; }',
  );
  const hostFiles = [...new Set(processes.flatMap((p) => p.hostFiles))].sort();
  if (hostFiles.length > 0) {
    L.push("# The TLS files the cluster names by path: on this machine already, readable by RocketMQ's user.");
    for (const f of hostFiles) L.push(`[ -f ${sh(f)} ] || fail ${sh(`${f} is not on this machine (a TLS file)`)}`);
  }
  for (const p of processes) {
    const mine = [p.configDir, p.logHome, ...(p.store && libraryOwned(p.store) ? [p.store] : [])];
    L.push(`own ${p.user}:${p.group} ${mine.map(sh).join(" ")}`);
    if (p.store && !libraryOwned(p.store)) L.push(`own_made ${p.user}:${p.group} ${sh(p.store)}`);
  }
  if (processes.length > 0) {
    L.push(
      "",
      "# Name servers and controllers before brokers and proxies (After= in each unit).",
      "systemctl daemon-reload",
      `systemctl enable --now ${processes.map((p) => p.unit).join(" ")}`,
    );
    L.push(`log "started ${processes.map((p) => p.unit).join(", ")}"`);
  }
  return L.join("\n") + "\n";
}

/** A directory in the library's own folders on the VM (files, logs, default stores), made by the install script. */
function libraryOwned(dir: string): boolean {
  return [VM_CONFIG_ROOT, VM_LOG_ROOT, VM_STORE_ROOT].some((root) => dir.startsWith(`${root}/`));
}

/** The cloud-init user-data document (`#cloud-config`) of one VM. */
export function vmUserData(input: VmRenderInput): string {
  const processes = vmProcesses(input);
  const runAs = input.plans.find((p) => p.runAs && p.kind !== ProcessKind.DASHBOARD)?.runAs ?? { uid: 3000, gid: 3000 };
  const files: {
    path: string;
    content: string;
    yamlScalar?: string;
    owner: string;
    permissions: string;
    defer: boolean;
  }[] = [
    {
      path: VM_INSTALL_SCRIPT,
      content: vmInstallScript(input, processes),
      owner: "root:root",
      permissions: "0755",
      defer: false,
    },
  ];
  for (const p of processes) {
    // Deferred to the final stage: the user exists then (bootcmd), and RocketMQ rewrites its own file on updateBrokerConfig.
    for (const f of p.files)
      files.push({
        path: f.path,
        content: f.content,
        ...(f.yamlScalar !== undefined ? { yamlScalar: f.yamlScalar } : {}),
        owner: `${p.user}:${p.group}`,
        permissions: "0640",
        defer: true,
      });
    files.push({
      path: `/etc/systemd/system/${p.unit}`,
      content: vmUnit(p, input.limitNofile),
      owner: "root:root",
      permissions: "0644",
      defer: false,
    });
  }
  const userCmd =
    `getent group ${VM_USER} >/dev/null || groupadd --gid ${runAs.gid} ${VM_USER}; ` +
    `getent passwd ${VM_USER} >/dev/null || useradd --uid ${runAs.uid} --gid ${runAs.gid} --no-create-home --home-dir ${VM_STORE_ROOT} --shell /usr/sbin/nologin ${VM_USER}`;
  const y: string[] = [
    "#cloud-config",
    `# Generated by rocketmq-cdktf for ${input.hostPath} (${input.address}): ${processes.length === 0 ? "no RocketMQ process" : processes.map((p) => p.name).join(", ")}.`,
    "# Do not edit: change the constructs and synthesize again.",
    "# The user RocketMQ runs as, before the files it owns are written (bootcmd runs at every boot: idempotent).",
    "bootcmd:",
    `  - [sh, -c, ${yamlString(userCmd)}]`,
    "write_files:",
  ];
  for (const f of files) {
    y.push(
      `  - path: ${yamlString(f.path)}`,
      `    owner: ${yamlString(f.owner)}`,
      `    permissions: ${yamlString(f.permissions)}`,
    );
    if (f.defer) y.push("    defer: true");
    if (f.yamlScalar !== undefined) y.push(`    content: ${f.yamlScalar}`);
    else y.push(...yamlBlock("    content", f.content));
  }
  y.push("runcmd:", `  - [sh, ${yamlString(VM_INSTALL_SCRIPT)}]`);
  return y.join("\n") + "\n";
}

/**
 * The files of a user-data document this module wrote (`write_files`: path and content), read back for the change
 * report: the inverse of vmUserData's own layout (double-quoted paths, `content: |` blocks indented by six, or a
 * double-quoted scalar), not a YAML parser for documents of any other shape.
 */
export function readVmUserData(doc: string): { path: string; content: string }[] {
  const lines = doc.split("\n");
  const out: { path: string; content: string }[] = [];
  let path: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const entry = /^ {2}- path: (".*")$/.exec(lines[i]);
    if (entry) {
      path = parseScalar(entry[1]);
      continue;
    }
    if (path === undefined) continue;
    const block = /^ {4}content: \|(2?)([-+]?)$/.exec(lines[i]);
    if (block) {
      const body: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1] === "" || lines[i + 1].startsWith("      ")))
        body.push(lines[++i].slice(6));
      // A trailing "" is the document's end, not the block's, unless the block keeps its blank lines (+).
      if (block[2] !== "+") while (body.length > 0 && body[body.length - 1] === "") body.pop();
      const text = body.join("\n");
      out.push({ path, content: block[2] === "-" ? text : `${text}\n` });
      path = undefined;
      continue;
    }
    const scalar = /^ {4}content: (".*")$/.exec(lines[i]);
    if (scalar) {
      out.push({ path, content: parseScalar(scalar[1]) });
      path = undefined;
    }
  }
  return out;
}

function parseScalar(text: string): string {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "string" ? v : text;
  } catch {
    return text;
  }
}

/** A YAML double-quoted scalar (JSON's escapes are YAML's). */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** `key: |` with the text indented below; `|-` when it does not end with a newline, an indentation indicator when it starts with a blank. */
function yamlBlock(key: string, text: string): string[] {
  const indent = key.length - key.trimStart().length + 2;
  const pad = " ".repeat(indent);
  const chomp = text.endsWith("\n") ? (text.endsWith("\n\n") ? "+" : "") : "-";
  const indicator = /^[ \t]/.test(text) ? "2" : "";
  const body = (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
  return [`${key}: |${indicator}${chomp}`, ...body.map((l) => (l === "" ? "" : pad + l))];
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}
