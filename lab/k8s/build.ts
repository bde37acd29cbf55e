// The Kubernetes lab's binaries, built or extracted once and cached under ~/.cache/rocketmq-cdktf-k8s/<version>/:
// Kubernetes from the Go module proxy (k8s.io/kubernetes through a wrapper module that replaces every staging module
// by its release), etcd/containerd/runc/CNI plugins/iptables/conntrack from Debian 12 .debs (`apt-get download` +
// `dpkg -x`, no service started), CoreDNS and the pause program from the Go module proxy, and the gavinbunney/kubectl
// OpenTofu provider laid out as a filesystem mirror. Each part is built in a temp directory and renamed into place.
//
//   npx ts-node --transpile-only lab/k8s/build.ts [part ...]     (parts: kube debs coredns pause provider; default all)
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { log, ms, run } from "../util";

export const K8S_VERSION = process.env.ROCKETMQ_K8S_VERSION ?? "v1.34.4";
/** The staging modules' release matching K8S_VERSION (v1.34.4 -> v0.34.4). */
const STAGING_VERSION = K8S_VERSION.replace(/^v1\./, "v0.");
export const COREDNS_VERSION = process.env.ROCKETMQ_K8S_COREDNS_VERSION ?? "v1.14.7";
export const KUBECTL_PROVIDER_VERSION = "1.19.0";
export const K8S_CACHE = process.env.ROCKETMQ_K8S_CACHE ?? path.join(os.homedir(), ".cache", "rocketmq-cdktf-k8s");
export const CACHE_DIR = path.join(K8S_CACHE, K8S_VERSION);
const GO = process.env.GO ?? (fs.existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go");
const KUBE_CMDS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kubectl", "kube-proxy"];
/** Debian 12 packages whose files the lab runs (extracted, never installed). */
const DEBS = [
  "etcd-server",
  "containerd",
  "runc",
  "containernetworking-plugins",
  "iptables",
  "libxtables12",
  "libip4tc2",
  "libip6tc2",
  "libnftnl11",
  "libnetfilter-conntrack3",
  "libnfnetlink0",
  "libmnl0",
  "conntrack",
  "debootstrap",
];

export function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.dirname(GO)}:${process.env.PATH ?? ""}`,
    CGO_ENABLED: "0",
    GOFLAGS: "-buildvcs=false",
    ...extra,
  };
}

/** The cached directory `name`, made by `build(tmp)` into a temp directory renamed into place when missing. */
function ensurePart(name: string, build: (tmp: string) => void): string {
  const dir = path.join(CACHE_DIR, name);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE_DIR, `.${name}-`));
  const t = Date.now();
  try {
    build(tmp);
    fs.renameSync(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`k8s build: ${name} ready in ${ms(Date.now() - t)} (cold) -> ${dir}`);
  fs.appendFileSync(
    path.join(CACHE_DIR, "build-times.txt"),
    `${new Date().toISOString()} ${name} ${Date.now() - t} ms\n`,
  );
  return dir;
}

/** go mod download -json MOD@VER -> its (read-only) source directory in the module cache. */
function moduleDir(modVer: string, cwd: string): string {
  const out = run(GO, ["mod", "download", "-json", modVer], { env: goEnv(), cwd, timeoutMs: 15 * 60_000 });
  return JSON.parse(out).Dir as string;
}

/** kube-apiserver, -controller-manager, -scheduler, -proxy, kubelet, kubectl (about 7 CPU-minutes cold). */
export function ensureKube(): string {
  return ensurePart("kube", (tmp) => {
    const src = path.join(tmp, "src");
    fs.mkdirSync(src);
    const gomod = fs.readFileSync(path.join(moduleDir(`k8s.io/kubernetes@${K8S_VERSION}`, tmp), "go.mod"), "utf8");
    const staging = [...gomod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((m) => m[1]);
    if (staging.length < 10) throw new Error(`k8s.io/kubernetes@${K8S_VERSION}: no staging replaces found in go.mod`);
    const goLine = /^go (\S+)/m.exec(gomod)?.[1] ?? "1.24.0";
    fs.writeFileSync(
      path.join(src, "go.mod"),
      [
        "module rocketmq-cdktf-lab/k8s",
        `go ${goLine}`,
        `require k8s.io/kubernetes ${K8S_VERSION}`,
        ...staging.map((m) => `replace ${m} => ${m} ${STAGING_VERSION}`),
        "",
      ].join("\n"),
    );
    const [major, minor] = K8S_VERSION.replace(/^v/, "").split(".");
    const ldflags = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
      .flatMap((p) => [
        `-X ${p}.gitVersion=${K8S_VERSION}`,
        `-X ${p}.gitMajor=${major}`,
        `-X ${p}.gitMinor=${minor}`,
        `-X ${p}.gitTreeState=clean`,
        `-X ${p}.buildDate=1970-01-01T00:00:00Z`,
      ])
      .join(" ");
    log(`k8s build: go build ${KUBE_CMDS.join(" ")} (k8s.io/kubernetes ${K8S_VERSION}, staging ${STAGING_VERSION})`);
    run(
      GO,
      [
        "build",
        "-mod=mod",
        "-trimpath",
        "-ldflags",
        `-s -w ${ldflags}`,
        "-o",
        tmp + "/",
        ...KUBE_CMDS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
      ],
      { cwd: src, env: goEnv(), timeoutMs: 60 * 60_000 },
    );
    fs.copyFileSync(path.join(src, "go.mod"), path.join(tmp, "go.mod.used"));
    fs.rmSync(src, { recursive: true });
  });
}

/** The Debian packages' files under root/, plus versions.txt (which .debs). */
export function ensureDebs(): string {
  return ensurePart("debs", (tmp) => {
    const dl = path.join(tmp, "dl");
    fs.mkdirSync(dl);
    try {
      run("apt-get", ["download", ...DEBS], { cwd: dl, timeoutMs: 10 * 60_000 });
    } catch {
      run("apt-get", ["update"], { timeoutMs: 10 * 60_000 });
      run("apt-get", ["download", ...DEBS], { cwd: dl, timeoutMs: 10 * 60_000 });
    }
    const root = path.join(tmp, "root");
    const debs = fs.readdirSync(dl).filter((f) => f.endsWith(".deb"));
    for (const d of debs) run("dpkg", ["-x", path.join(dl, d), root], { timeoutMs: 120_000 });
    fs.writeFileSync(path.join(tmp, "versions.txt"), debs.sort().join("\n") + "\n");
    fs.rmSync(dl, { recursive: true });
    // Wrappers: what Debian's alternatives and library paths would have given (the files are not installed).
    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    const lib = path.join(root, "usr/lib/x86_64-linux-gnu");
    const env = `export LD_LIBRARY_PATH="${lib}" XTABLES_LIBDIR="${lib}/xtables"`;
    const mode = process.env.ROCKETMQ_K8S_IPTABLES ?? "nft";
    for (const name of [
      "iptables",
      "iptables-save",
      "iptables-restore",
      "ip6tables",
      "ip6tables-save",
      "ip6tables-restore",
    ])
      wrapper(bin, name, `${env}\nexec "${root}/usr/sbin/xtables-${mode}-multi" ${name} "$@"`);
    wrapper(bin, "conntrack", `${env}\nexec "${root}/usr/sbin/conntrack" "$@"`);
    wrapper(
      bin,
      "debootstrap",
      `export DEBOOTSTRAP_DIR="${root}/usr/share/debootstrap"\nexec "${root}/usr/sbin/debootstrap" "$@"`,
    );
    for (const [name, file] of [
      ["etcd", "usr/bin/etcd"],
      ["containerd", "usr/bin/containerd"],
      ["containerd-shim-runc-v2", "usr/bin/containerd-shim-runc-v2"],
      ["ctr", "usr/bin/ctr"],
      ["runc", "usr/sbin/runc"],
    ]) {
      const f = [path.join(root, file), path.join(root, file.replace("usr/bin", "usr/sbin"))].find((p) =>
        fs.existsSync(p),
      );
      if (!f) throw new Error(`debs: no ${file} in the extracted packages`);
      fs.symlinkSync(f.replace(tmp, path.join(CACHE_DIR, "debs")), path.join(bin, name));
    }
    if (!fs.existsSync(path.join(root, "usr/lib/cni/bridge"))) throw new Error("debs: no usr/lib/cni/bridge");
    // The wrappers name the final directory; fix the paths now that tmp will be renamed.
    for (const f of fs.readdirSync(bin)) {
      const p = path.join(bin, f);
      if (fs.lstatSync(p).isSymbolicLink()) continue;
      fs.writeFileSync(p, fs.readFileSync(p, "utf8").split(tmp).join(path.join(CACHE_DIR, "debs")));
    }
  });
}

function wrapper(dir: string, name: string, body: string): void {
  fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/**
 * The CoreDNS plugins the lab's Corefile uses, in plugin.cfg's order (the order a query passes them). A CoreDNS of
 * these only builds in a fraction of the time of the whole (whose cloud plugins pull the AWS, Azure and Google SDKs).
 */
const COREDNS_PLUGINS = ["bind", "errors", "cache", "kubernetes"];

/**
 * CoreDNS with the lab's plugins only, run as a plain process (images cannot be pulled here): a main of its own that
 * imports them and sets the directives, as CoreDNS's own main does with every plugin (core/plugin).
 */
export function ensureCoredns(): string {
  return ensurePart("coredns-lab", (tmp) => {
    const src = path.join(tmp, "src");
    fs.mkdirSync(src);
    const gomod = fs.readFileSync(
      path.join(moduleDir(`github.com/coredns/coredns@${COREDNS_VERSION}`, tmp), "go.mod"),
      "utf8",
    );
    const goLine = /^go (\S+)/m.exec(gomod)?.[1] ?? "1.25.0";
    fs.writeFileSync(
      path.join(src, "go.mod"),
      `module rocketmq-cdktf-lab/coredns\ngo ${goLine}\nrequire github.com/coredns/coredns ${COREDNS_VERSION}\n`,
    );
    fs.writeFileSync(
      path.join(src, "main.go"),
      `package main

import (
\t"github.com/coredns/coredns/core/dnsserver"
\t"github.com/coredns/coredns/coremain"
${COREDNS_PLUGINS.map((p) => `\t_ "github.com/coredns/coredns/plugin/${p}"`).join("\n")}
)

func init() {
\tdnsserver.Directives = []string{${COREDNS_PLUGINS.map((p) => JSON.stringify(p)).join(", ")}}
}

func main() {
\tcoremain.Run()
}
`,
    );
    log(`k8s build: go build CoreDNS ${COREDNS_VERSION} with ${COREDNS_PLUGINS.join(", ")}`);
    run(GO, ["build", "-mod=mod", "-trimpath", "-ldflags", "-s -w", "-o", path.join(tmp, "coredns"), "."], {
      cwd: src,
      env: goEnv({ GOWORK: "off" }),
      timeoutMs: 30 * 60_000,
    });
    fs.rmSync(src, { recursive: true });
  });
}

/** The sandbox ("pause") program: a static Go program that sleeps until a signal. */
export function ensurePause(): string {
  return ensurePart("pause", (tmp) => {
    const src = path.join(tmp, "src");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "go.mod"), "module pause\ngo 1.21\n");
    fs.writeFileSync(
      path.join(src, "main.go"),
      `package main

import (
\t"os"
\t"os/signal"
\t"syscall"
)

func main() {
\tc := make(chan os.Signal, 1)
\tsignal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
\t<-c
}
`,
    );
    run(GO, ["build", "-trimpath", "-ldflags", "-s -w", "-o", path.join(tmp, "pause"), "."], {
      cwd: src,
      env: goEnv(),
      timeoutMs: 5 * 60_000,
    });
    fs.rmSync(src, { recursive: true });
  });
}

/**
 * gavinbunney/kubectl as an OpenTofu filesystem mirror (both registry host names), with a CLI configuration
 * (provider.tfrc) that installs it, and the docker provider's mirror when tools/tofu.sh built it, offline.
 */
export function ensureKubectlProvider(): string {
  return ensurePart("provider", (tmp) => {
    const gobin = path.join(tmp, "gobin");
    log(`k8s build: go install github.com/gavinbunney/terraform-provider-kubectl@v${KUBECTL_PROVIDER_VERSION}`);
    run(GO, ["install", `github.com/gavinbunney/terraform-provider-kubectl@v${KUBECTL_PROVIDER_VERSION}`], {
      cwd: tmp,
      env: goEnv({ GOBIN: gobin }),
      timeoutMs: 30 * 60_000,
    });
    const platform = "linux_amd64";
    const v = KUBECTL_PROVIDER_VERSION;
    for (const reg of ["registry.opentofu.org", "registry.terraform.io"]) {
      const d = path.join(tmp, "mirror", reg, "gavinbunney", "kubectl", v, platform);
      fs.mkdirSync(d, { recursive: true });
      fs.copyFileSync(path.join(gobin, "terraform-provider-kubectl"), path.join(d, `terraform-provider-kubectl_v${v}`));
      fs.chmodSync(path.join(d, `terraform-provider-kubectl_v${v}`), 0o755);
    }
    fs.rmSync(gobin, { recursive: true });
    const mirror = path.join(CACHE_DIR, "provider", "mirror");
    fs.writeFileSync(
      path.join(tmp, "provider.tfrc"),
      `provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["registry.opentofu.org/gavinbunney/kubectl", "registry.terraform.io/gavinbunney/kubectl"]
  }
}
`,
    );
  });
}

export interface K8sBins {
  kube: string;
  debs: string;
  /** Directory for PATH: iptables/conntrack/etcd/containerd/runc/ctr wrappers. */
  debsBin: string;
  cniBin: string;
  coredns: string;
  pause: string;
  provider: string;
}

/** Every part (builds what is missing). */
export function ensureAll(parts: string[] = ["kube", "debs", "coredns", "pause", "provider"]): K8sBins {
  const done: Record<string, string> = {};
  for (const p of parts) {
    const f = {
      kube: ensureKube,
      debs: ensureDebs,
      coredns: ensureCoredns,
      pause: ensurePause,
      provider: ensureKubectlProvider,
    }[p];
    if (!f) throw new Error(`unknown part ${p}`);
    done[p] = f();
  }
  const debs = done.debs ?? path.join(CACHE_DIR, "debs");
  return {
    kube: done.kube ?? path.join(CACHE_DIR, "kube"),
    debs,
    debsBin: path.join(debs, "bin"),
    cniBin: path.join(debs, "root", "usr", "lib", "cni"),
    coredns: path.join(done.coredns ?? path.join(CACHE_DIR, "coredns-lab"), "coredns"),
    pause: path.join(done.pause ?? path.join(CACHE_DIR, "pause"), "pause"),
    provider: done.provider ?? path.join(CACHE_DIR, "provider"),
  };
}

export function sha256File(file: string): string {
  const h = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(4 * 1024 * 1024);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest("hex");
}

if (require.main === module) {
  const parts = process.argv.slice(2);
  const t = Date.now();
  const bins = ensureAll(parts.length ? parts : undefined);
  log(`k8s build: all ready in ${ms(Date.now() - t)}: ${JSON.stringify(bins)}`);
}
