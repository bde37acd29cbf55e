// A small real Kubernetes cluster inside network namespaces of this machine, from the binaries of build.ts:
//   rmqk8s-hub   a bridge (br0) that every other namespace is plugged into by a veth (10.77.0.0/24)
//   rmqk8s-cp    10.77.0.2: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, CoreDNS (host processes)
//   rmqk8s-nI    10.77.0.(10+I): containerd (own root/state/socket), kubelet (cgroup root /rmqk8s-nI), kube-proxy
// Pods get the bridge CNI with host-local IPAM on the node's podCIDR (allocated by the controller manager from
// 10.78.0.0/16); static routes between the namespaces carry pod traffic. Services: 10.79.0.0/16 (kube-proxy,
// iptables mode). DNS: CoreDNS at 10.77.0.2 (kubelet clusterDNS). Every process runs under `nsenter --net` only (host
// mount namespace, so that kubelet's and containerd's mounts are visible to each other and to stop()).
// stop() kills every process, unmounts every mount under the state directory, deletes the namespaces, cgroups and
// state; it is registered for failures, SIGINT and SIGTERM, and sweep() does the same for a crashed earlier run.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { log, ms, rssMiB, run, sleep, tail, tryRun, waitFor } from "../util";
import { CACHE_DIR, K8sBins, ensureAll } from "./build";
import { ArchiveImage } from "./image";

export const PREFIX = "rmqk8s";
export const HUB_NS = `${PREFIX}-hub`;
export const CP_NS = `${PREFIX}-cp`;
export const CP_IP = "10.77.0.2";
export const CLUSTER_CIDR = "10.78.0.0/16";
export const SERVICE_CIDR = "10.79.0.0/16";
export const API_SERVICE_IP = "10.79.0.1";
export const DNS_IP = CP_IP;
const STATE_ROOT = process.env.ROCKETMQ_K8S_STATE ?? "/tmp";
/** Host paths the components may create outside the state directory: removed at stop when the run created them. */
const HOST_PATHS = [
  "/run/containerd",
  "/var/lib/cni",
  "/var/log/pods",
  "/var/log/containers",
  "/var/lib/kubelet",
  "/etc/cni",
  "/opt/cni",
  "/var/lib/containerd",
];

export interface Node {
  name: string;
  ns: string;
  ip: string;
  dir: string;
  sock: string;
  podCIDR?: string;
}

interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
}

function nsExecArgv(ns: string, argv: string[]): string[] {
  return ["nsenter", `--net=/run/netns/${ns}`, "--", ...argv];
}

function ipns(ns: string, ...args: string[]): void {
  run("ip", ["-n", ns, ...args]);
}

function sleepSync(msec: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, msec);
}

export class Cluster {
  readonly dir: string;
  readonly nodes: Node[];
  readonly kubeconfig: string;
  readonly procs: Proc[] = [];
  private stopped = false;
  private readonly hostPathsBefore = new Set(HOST_PATHS.filter((p) => fs.existsSync(p)));
  private readonly netnsBefore = new Set(listNetns());
  readonly timings: Record<string, number> = {};
  private readonly onSignal = (sig: NodeJS.Signals) => {
    log(`k8s: ${sig}: stopping the cluster`);
    this.stop();
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  private readonly onExit = () => this.stop();

  constructor(
    readonly bins: K8sBins,
    nodeCount: number,
  ) {
    this.dir = fs.mkdtempSync(path.join(STATE_ROOT, `${PREFIX}-`));
    this.kubeconfig = path.join(this.dir, "pki", "admin.kubeconfig");
    this.nodes = Array.from({ length: nodeCount }, (_, i) => {
      const dir = path.join(this.dir, `n${i}`);
      return {
        name: `n${i}`,
        ns: `${PREFIX}-n${i}`,
        ip: `10.77.0.${10 + i}`,
        dir,
        sock: path.join(dir, "containerd", "containerd.sock"),
      };
    });
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
    process.once("exit", this.onExit);
  }

  private bin(name: string): string {
    if (name === "coredns") return this.bins.coredns;
    if (name.startsWith("kube")) return path.join(this.bins.kube, name);
    return path.join(this.bins.debsBin, name);
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${this.bins.debsBin}:${this.bins.cniBin}:${process.env.PATH ?? ""}` };
  }

  /** A long-running process in a namespace, its output in <dir>/logs/<name>.log. */
  spawn(name: string, ns: string, argv: string[]): Proc {
    const logFile = path.join(this.dir, "logs", `${name}.log`);
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, "a");
    const [cmd, ...args] = nsExecArgv(ns, argv);
    const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], detached: true, env: this.env() });
    fs.closeSync(fd);
    const p = { name, child, logFile };
    child.on("exit", (code, sig) => {
      if (!this.stopped) log(`k8s: ${name} exited (${code ?? sig}); last lines:\n${tail(logFile, 15)}`);
    });
    this.procs.push(p);
    return p;
  }

  private alive(p: Proc): void {
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(`${p.name} is not running (${p.child.exitCode ?? p.child.signalCode}):\n${tail(p.logFile, 20)}`);
  }

  /** kubectl with the admin kubeconfig, from the control plane's namespace. */
  kubectl(args: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
    return run(
      nsExecArgv(CP_NS, [this.bin("kubectl"), `--kubeconfig=${this.kubeconfig}`, ...args])[0],
      nsExecArgv(CP_NS, [this.bin("kubectl"), `--kubeconfig=${this.kubeconfig}`, ...args]).slice(1),
      { input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000, env: this.env() },
    );
  }

  /**
   * A node stops, as far as everyone else can tell (`false`): its link to the others goes down, so its kubelet, its
   * pods and their ports are out of reach, as when its machine loses power; `true` plugs it back in.
   */
  link(node: Node, up: boolean): void {
    ipns(HUB_NS, "link", "set", `h-${node.name}`, up ? "up" : "down");
  }

  /** A command in a namespace (bounded). */
  inNs(ns: string, argv: string[], timeoutMs = 30_000): string {
    const a = nsExecArgv(ns, argv);
    return run(a[0], a.slice(1), { timeoutMs, env: this.env() });
  }

  // ---------------------------------------------------------------------------------------------- start

  async start(images: ArchiveImage[], timeouts = { apiMs: 90_000, nodeReadyMs: 120_000 }): Promise<void> {
    const t0 = Date.now();
    try {
      this.pki();
      this.network();
      this.controlPlane();
      await waitFor("kube-apiserver /readyz", timeouts.apiMs, 500, () => {
        for (const p of this.procs) this.alive(p);
        return this.kubectl(["get", "--raw", "/readyz"], { timeoutMs: 10_000 }).trim() === "ok" ? true : undefined;
      });
      this.timings.apiserverReadyMs = Date.now() - t0;
      log(`k8s: kube-apiserver ready ${ms(this.timings.apiserverReadyMs)} after start`);
      this.controllers();
      // The sandbox image first (nodes need it); the others are imported while the kubelets start.
      const pause = images.filter((i) => /\/pause:/.test(i.ref));
      await Promise.all(this.nodes.map((n) => this.startRuntime(n, pause)));
      const imports = Promise.all(
        this.nodes.map((n) =>
          this.importImages(
            n,
            images.filter((i) => !pause.includes(i)),
          ),
        ),
      );
      imports.catch(() => undefined); // awaited below
      const tk = Date.now();
      for (const n of this.nodes) this.startKubelet(n);
      await this.podNetwork(timeouts.nodeReadyMs);
      await waitFor(`${this.nodes.length} node(s) Ready`, timeouts.nodeReadyMs, 500, () => {
        for (const p of this.procs) this.alive(p);
        const nodes = JSON.parse(this.kubectl(["get", "nodes", "-o", "json"])).items as any[];
        const ready = nodes.filter((x) =>
          x.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length === this.nodes.length ? true : undefined;
      });
      this.timings.kubeletToReadyMs = Date.now() - tk;
      this.timings.startToReadyMs = Date.now() - t0;
      log(
        `k8s: ${this.nodes.length} node(s) Ready ${ms(this.timings.kubeletToReadyMs)} after the kubelets started (${ms(this.timings.startToReadyMs)} after start)`,
      );
      await imports;
      this.timings.imagesImportedMs = Date.now() - t0;
    } catch (e) {
      log(`k8s: start failed: ${(e as Error).message}`);
      for (const p of this.procs) log(`--- ${p.name} (${p.logFile}):\n${tail(p.logFile, 12)}`);
      throw e;
    }
  }

  private pki(): void {
    const d = path.join(this.dir, "pki");
    fs.mkdirSync(d, { recursive: true });
    const o = (args: string[]) => run("openssl", args, { cwd: d });
    const key = (name: string) => o(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`]);
    key("ca");
    o([
      "req",
      "-x509",
      "-new",
      "-key",
      "ca.key",
      "-subj",
      "/CN=rmqk8s-lab-ca",
      "-days",
      "2",
      "-sha256",
      "-out",
      "ca.crt",
    ]);
    const cert = (name: string, subj: string, sans: string[] = []) => {
      key(name);
      o(["req", "-new", "-key", `${name}.key`, "-subj", subj, "-out", `${name}.csr`]);
      fs.writeFileSync(
        path.join(d, `${name}.ext`),
        [
          "basicConstraints=CA:FALSE",
          "keyUsage=critical,digitalSignature,keyEncipherment",
          "extendedKeyUsage=serverAuth,clientAuth",
          ...(sans.length ? [`subjectAltName=${sans.join(",")}`] : []),
        ].join("\n") + "\n",
      );
      o([
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-sha256",
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.crt`,
      ]);
    };
    cert("apiserver", "/CN=kube-apiserver", [
      `IP:${CP_IP}`,
      `IP:${API_SERVICE_IP}`,
      "IP:127.0.0.1",
      "DNS:localhost",
      "DNS:kubernetes",
      "DNS:kubernetes.default",
      "DNS:kubernetes.default.svc",
      "DNS:kubernetes.default.svc.cluster.local",
    ]);
    cert("admin", "/O=system:masters/CN=rmqk8s-admin");
    cert("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client");
    cert("controller-manager", "/CN=system:kube-controller-manager");
    cert("scheduler", "/CN=system:kube-scheduler");
    cert("kube-proxy", "/CN=system:kube-proxy");
    for (const n of this.nodes) cert(`kubelet-${n.name}`, `/O=system:nodes/CN=system:node:${n.name}`);
    key("sa");
    o(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
    for (const user of [
      "admin",
      "controller-manager",
      "scheduler",
      "kube-proxy",
      ...this.nodes.map((n) => `kubelet-${n.name}`),
    ])
      fs.writeFileSync(
        path.join(d, `${user}.kubeconfig`),
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [
            {
              name: "rmqk8s",
              cluster: { server: `https://${CP_IP}:6443`, "certificate-authority": path.join(d, "ca.crt") },
            },
          ],
          users: [
            {
              name: user,
              user: { "client-certificate": path.join(d, `${user}.crt`), "client-key": path.join(d, `${user}.key`) },
            },
          ],
          contexts: [{ name: "rmqk8s", context: { cluster: "rmqk8s", user } }],
          "current-context": "rmqk8s",
        }),
      );
  }

  private network(): void {
    for (const ns of [HUB_NS, CP_NS, ...this.nodes.map((n) => n.ns)]) run("ip", ["netns", "add", ns]);
    ipns(HUB_NS, "link", "set", "lo", "up");
    ipns(HUB_NS, "link", "add", "br0", "type", "bridge");
    ipns(HUB_NS, "link", "set", "br0", "up");
    const plug = (ns: string, short: string, ip: string) => {
      ipns(HUB_NS, "link", "add", `h-${short}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ipns(HUB_NS, "link", "set", `h-${short}`, "master", "br0", "up");
      ipns(ns, "link", "set", "lo", "up");
      ipns(ns, "addr", "add", `${ip}/24`, "dev", "eth0");
      ipns(ns, "link", "set", "eth0", "up");
      // On-link default: Service IPs (DNAT in OUTPUT) need a route before kube-proxy's rules apply.
      ipns(ns, "route", "add", "default", "dev", "eth0");
      for (const s of [
        "net.ipv4.ip_forward=1",
        "net.ipv4.conf.all.route_localnet=1",
        "net.bridge.bridge-nf-call-iptables=1",
        "net.bridge.bridge-nf-call-ip6tables=1",
      ])
        tryRun("nsenter", [`--net=/run/netns/${ns}`, "--", "sysctl", "-qw", s]);
    };
    plug(CP_NS, "cp", CP_IP);
    for (const n of this.nodes) plug(n.ns, n.name, n.ip);
    log(`k8s: namespaces ${HUB_NS} (br0), ${CP_NS} ${CP_IP}, ${this.nodes.map((n) => `${n.ns} ${n.ip}`).join(", ")}`);
  }

  private controlPlane(): void {
    const d = path.join(this.dir, "pki");
    const p = (f: string) => path.join(d, f);
    this.spawn("etcd", CP_NS, [
      this.bin("etcd"),
      "--name=cp",
      `--data-dir=${path.join(this.dir, "etcd")}`,
      "--listen-client-urls=http://127.0.0.1:2379",
      "--advertise-client-urls=http://127.0.0.1:2379",
      "--listen-peer-urls=http://127.0.0.1:2380",
      "--initial-advertise-peer-urls=http://127.0.0.1:2380",
      "--initial-cluster=cp=http://127.0.0.1:2380",
      "--listen-metrics-urls=http://127.0.0.1:2381",
      "--quota-backend-bytes=1073741824",
    ]);
    this.spawn("kube-apiserver", CP_NS, [
      this.bin("kube-apiserver"),
      "--etcd-servers=http://127.0.0.1:2379",
      `--advertise-address=${CP_IP}`,
      "--bind-address=0.0.0.0",
      "--secure-port=6443",
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--tls-cert-file=${p("apiserver.crt")}`,
      `--tls-private-key-file=${p("apiserver.key")}`,
      `--client-ca-file=${p("ca.crt")}`,
      `--kubelet-client-certificate=${p("apiserver-kubelet-client.crt")}`,
      `--kubelet-client-key=${p("apiserver-kubelet-client.key")}`,
      "--kubelet-preferred-address-types=InternalIP",
      `--service-account-key-file=${p("sa.pub")}`,
      `--service-account-signing-key-file=${p("sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      "--allow-privileged=true",
      `--cert-dir=${path.join(this.dir, "apiserver-certs")}`,
      "--profiling=false",
      "--v=1",
    ]);
  }

  private controllers(): void {
    const d = path.join(this.dir, "pki");
    const p = (f: string) => path.join(d, f);
    this.spawn("kube-controller-manager", CP_NS, [
      this.bin("kube-controller-manager"),
      `--kubeconfig=${p("controller-manager.kubeconfig")}`,
      `--authentication-kubeconfig=${p("controller-manager.kubeconfig")}`,
      `--authorization-kubeconfig=${p("controller-manager.kubeconfig")}`,
      "--bind-address=127.0.0.1",
      "--leader-elect=false",
      "--allocate-node-cidrs=true",
      `--cluster-cidr=${CLUSTER_CIDR}`,
      "--node-cidr-mask-size=24",
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--service-account-private-key-file=${p("sa.key")}`,
      `--root-ca-file=${p("ca.crt")}`,
      "--use-service-account-credentials=true",
      `--cluster-signing-cert-file=${p("ca.crt")}`,
      `--cluster-signing-key-file=${p("ca.key")}`,
      "--v=1",
    ]);
    this.spawn("kube-scheduler", CP_NS, [
      this.bin("kube-scheduler"),
      `--kubeconfig=${p("scheduler.kubeconfig")}`,
      `--authentication-kubeconfig=${p("scheduler.kubeconfig")}`,
      `--authorization-kubeconfig=${p("scheduler.kubeconfig")}`,
      "--bind-address=127.0.0.1",
      "--leader-elect=false",
      "--v=1",
    ]);
    const corefile = path.join(this.dir, "Corefile");
    fs.writeFileSync(
      corefile,
      `.:53 {
    bind ${DNS_IP}
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${this.kubeconfig} rmqk8s
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
`,
    );
    if (fs.existsSync(this.bin("coredns"))) this.spawn("coredns", CP_NS, [this.bin("coredns"), "-conf", corefile]);
    else log(`k8s: WARNING: no ${this.bin("coredns")}: no cluster DNS`);
  }

  /** containerd of one node, then the images imported into its k8s.io namespace. */
  private async startRuntime(n: Node, images: ArchiveImage[]): Promise<void> {
    const c = path.join(n.dir, "containerd");
    for (const sub of ["root", "state", "opt", "cni-net.d", "cni-cache", "ipam"])
      fs.mkdirSync(path.join(c, sub), { recursive: true });
    const pause = images.find((i) => /\/pause:/.test(i.ref));
    const config = `version = 2
root = "${c}/root"
state = "${c}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "${n.sock}"
[ttrpc]
  address = "${n.sock}.ttrpc"
[debug]
  address = "${c}/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "${c}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${pause?.ref ?? "registry.k8s.io/pause:3.10"}"
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${this.bin("runc")}"
        Root = "${c}/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${this.bins.cniBin}"
    conf_dir = "${c}/cni-net.d"
`;
    fs.writeFileSync(path.join(c, "config.toml"), config);
    const proc = this.spawn(`containerd-${n.name}`, n.ns, [
      this.bin("containerd"),
      "--config",
      path.join(c, "config.toml"),
    ]);
    await waitFor(`containerd of ${n.name}`, 30_000, 200, () => {
      this.alive(proc);
      return fs.existsSync(n.sock) ? true : undefined;
    });
    await this.importImages(n, images);
  }

  private async importImages(n: Node, images: ArchiveImage[]): Promise<void> {
    for (const img of images) {
      const t = Date.now();
      await runAsync(
        this.bin("ctr"),
        ["-a", n.sock, "-n", "k8s.io", "images", "import", img.file],
        this.env(),
        10 * 60_000,
      );
      log(`k8s: ${n.name}: imported ${img.ref} in ${ms(Date.now() - t)}`);
    }
  }

  private startKubelet(n: Node): void {
    const d = path.join(this.dir, "pki");
    const kdir = path.join(n.dir, "kubelet");
    fs.mkdirSync(path.join(n.dir, "pod-logs"), { recursive: true });
    fs.mkdirSync(kdir, { recursive: true });
    for (const ctrl of cgroupControllers()) {
      const cg = path.join("/sys/fs/cgroup", ctrl, `${PREFIX}-${n.name}`);
      fs.mkdirSync(cg, { recursive: true });
      if (ctrl === "cpuset")
        for (const f of ["cpuset.cpus", "cpuset.mems"])
          fs.writeFileSync(path.join(cg, f), fs.readFileSync(path.join("/sys/fs/cgroup/cpuset", f), "utf8"));
    }
    const resolv = path.join(n.dir, "resolv.conf");
    fs.writeFileSync(resolv, `nameserver ${DNS_IP}\n`);
    const config = {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      address: n.ip,
      port: 10250,
      readOnlyPort: 0,
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: false },
        x509: { clientCAFile: path.join(d, "ca.crt") },
      },
      authorization: { mode: "AlwaysAllow" },
      cgroupDriver: "cgroupfs",
      cgroupRoot: `/${PREFIX}-${n.name}`,
      clusterDNS: [DNS_IP],
      clusterDomain: "cluster.local",
      containerRuntimeEndpoint: `unix://${n.sock}`,
      imageServiceEndpoint: `unix://${n.sock}`,
      failSwapOn: false,
      featureGates: { KubeletInUserNamespace: true },
      resolvConf: resolv,
      podLogsDir: path.join(n.dir, "pod-logs"),
      evictionHard: {
        "memory.available": "100Mi",
        "nodefs.available": "1%",
        "imagefs.available": "1%",
        "nodefs.inodesFree": "1%",
      },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      protectKernelDefaults: false,
      hairpinMode: "hairpin-veth",
      serializeImagePulls: false,
      maxPods: 50,
    };
    const cfgFile = path.join(n.dir, "kubelet-config.json");
    fs.writeFileSync(cfgFile, JSON.stringify(config, null, 1));
    this.spawn(`kubelet-${n.name}`, n.ns, [
      this.bin("kubelet"),
      `--config=${cfgFile}`,
      `--kubeconfig=${path.join(d, `kubelet-${n.name}.kubeconfig`)}`,
      `--root-dir=${kdir}`,
      `--cert-dir=${path.join(kdir, "pki")}`,
      `--hostname-override=${n.name}`,
      `--node-ip=${n.ip}`,
      "--v=1",
    ]);
  }

  /** Per node: its podCIDR (controller manager) -> CNI config, routes to the other nodes' pods, kube-proxy. */
  private async podNetwork(timeoutMs: number): Promise<void> {
    await waitFor("every node registered with a podCIDR", timeoutMs, 500, () => {
      for (const p of this.procs) this.alive(p);
      const items = JSON.parse(this.kubectl(["get", "nodes", "-o", "json"])).items as any[];
      for (const n of this.nodes) n.podCIDR = items.find((x) => x.metadata.name === n.name)?.spec?.podCIDR;
      return this.nodes.every((n) => n.podCIDR) ? true : undefined;
    });
    for (const n of this.nodes) {
      const c = path.join(n.dir, "containerd");
      fs.writeFileSync(
        path.join(c, "cni-net.d", "10-rmqk8s.conflist"),
        JSON.stringify({
          cniVersion: "0.4.0",
          name: "rmqk8s",
          plugins: [
            {
              type: "bridge",
              bridge: "cni0",
              isGateway: true,
              ipMasq: false,
              hairpinMode: true,
              ipam: {
                type: "host-local",
                ranges: [[{ subnet: n.podCIDR }]],
                routes: [{ dst: "0.0.0.0/0" }],
                dataDir: path.join(c, "ipam"),
              },
            },
            { type: "portmap", capabilities: { portMappings: true } },
          ],
        }),
      );
      for (const m of this.nodes) if (m !== n) ipns(n.ns, "route", "add", m.podCIDR!, "via", m.ip);
      ipns(CP_NS, "route", "add", n.podCIDR!, "via", n.ip);
      const kp = path.join(n.dir, "kube-proxy.json");
      fs.writeFileSync(
        kp,
        JSON.stringify({
          apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
          kind: "KubeProxyConfiguration",
          clientConnection: { kubeconfig: path.join(this.dir, "pki", "kube-proxy.kubeconfig") },
          mode: "iptables",
          clusterCIDR: CLUSTER_CIDR,
          hostnameOverride: n.name,
          bindAddress: n.ip,
          healthzBindAddress: "127.0.0.1:10256",
          metricsBindAddress: "127.0.0.1:10249",
          conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
          iptables: { masqueradeAll: true },
        }),
      );
      this.spawn(`kube-proxy-${n.name}`, n.ns, [this.bin("kube-proxy"), `--config=${kp}`, "--v=1"]);
    }
    log(
      `k8s: pod CIDRs ${this.nodes.map((n) => `${n.name}=${n.podCIDR}`).join(", ")}; CNI configs, routes, kube-proxy`,
    );
  }

  /** RSS (MiB) of every process the lab started, and of the containerd shims and containers by node. */
  memory(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {};
    for (const p of this.procs) {
      // The child is nsenter, which execs the binary: same pid.
      out[p.name] = p.child.pid ? rssMiB(p.child.pid) : undefined;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------- stop

  /** Kills, unmounts and deletes everything this cluster made (synchronous: also runs from exit/signal handlers). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener("SIGINT", this.onSignal);
    process.removeListener("SIGTERM", this.onSignal);
    process.removeListener("exit", this.onExit);
    const t = Date.now();
    sweep(this.dir, this.nodes.map((n) => n.ns).concat(HUB_NS, CP_NS), this.netnsBefore);
    for (const p of HOST_PATHS) if (!this.hostPathsBefore.has(p)) fs.rmSync(p, { recursive: true, force: true });
    log(`k8s: stopped and cleaned up in ${ms(Date.now() - t)}`);
  }
}

function cgroupControllers(): string[] {
  return fs.readdirSync("/sys/fs/cgroup").filter((c) => c !== "unified" && !c.includes(","));
}

export function listNetns(): string[] {
  try {
    return fs.readdirSync("/run/netns");
  } catch {
    return [];
  }
}

/** Pids whose command line names the state directory, whose cgroup is under /rmqk8s-*, or in one of our netns. */
function ourPids(stateDir: string, netnsInodes: Set<number>): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const cg = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8");
      let netIno = -1;
      try {
        netIno = fs.statSync(`/proc/${pid}/ns/net`).ino;
      } catch {
        /* gone */
      }
      if (cmd.includes(stateDir) || new RegExp(`:/${PREFIX}-`, "m").test(cg) || netnsInodes.has(netIno)) out.push(pid);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/**
 * Kills every process of a cluster (state directory `stateDir`), unmounts what lies under it, deletes its netns (and
 * the pod netns containerd made: cni-* that were not there before), its cgroups and the directory.
 */
export function sweep(stateDir: string, namespaces: string[], netnsBefore = new Set<string>()): void {
  const inodes = new Set<number>();
  for (const ns of namespaces)
    try {
      inodes.add(fs.statSync(`/run/netns/${ns}`).ino);
    } catch {
      /* not there */
    }
  const t = Date.now();
  const phase = (what: string) => log(`k8s: stop: ${what} (${ms(Date.now() - t)})`);
  for (const sig of ["SIGTERM", "SIGKILL"] as const) {
    for (const pid of ourPids(stateDir, inodes))
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    for (let i = 0; i < 50 && ourPids(stateDir, inodes).length; i++) sleepSync(100);
  }
  const left = ourPids(stateDir, inodes);
  if (left.length) log(`k8s: WARNING: processes still alive after SIGKILL: ${left.join(" ")}`);
  phase("processes gone");
  const podNetns = listNetns().filter((n) => n.startsWith("cni-") && !netnsBefore.has(n));
  for (let pass = 0; pass < 3; pass++) {
    const mounts = fs
      .readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4])
      .filter(
        (m) => m && (m.startsWith(stateDir + "/") || m === stateDir || podNetns.some((n) => m === `/run/netns/${n}`)),
      )
      .map((m) => m.replace(/\\040/g, " "))
      .sort((a, b) => b.length - a.length);
    if (!mounts.length) break;
    for (const m of mounts) if (!tryRun("umount", [m])) tryRun("umount", ["-l", m]);
  }
  phase("unmounted");
  for (const ns of [...namespaces, ...podNetns]) if (listNetns().includes(ns)) tryRun("ip", ["netns", "del", ns]);
  for (const ctrl of cgroupControllers()) {
    const base = path.join("/sys/fs/cgroup", ctrl);
    for (const top of fs.readdirSync(base).filter((d) => d.startsWith(`${PREFIX}-`))) rmCgroup(path.join(base, top));
  }
  phase("netns and cgroups deleted");
  fs.rmSync(stateDir, { recursive: true, force: true });
  phase("state removed");
}

function rmCgroup(dir: string): void {
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmCgroup(path.join(dir, e.name));
    fs.rmdirSync(dir);
  } catch {
    /* busy or gone: reported by leftovers() */
  }
}

/** What is left of any lab cluster on this machine: namespaces, mounts, processes, cgroups, state directories. */
export function leftovers(): string[] {
  const out: string[] = [];
  const ns = listNetns().filter((n) => n.startsWith(`${PREFIX}-`) || n.startsWith("cni-"));
  if (ns.length) out.push(`netns: ${ns.join(" ")}`);
  const mounts = fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((m) => m && (m.includes(`/${PREFIX}-`) || m.startsWith("/run/netns/cni-")));
  if (mounts.length)
    out.push(`mounts: ${mounts.slice(0, 10).join(" ")}${mounts.length > 10 ? ` (+${mounts.length - 10})` : ""}`);
  const procs: string[] = [];
  const marks = [
    `${CACHE_DIR}/kube/`,
    `${CACHE_DIR}/debs/`,
    `${CACHE_DIR}/coredns/`,
    `/${PREFIX}-`,
    "NamesrvStartup",
    "BrokerStartup",
  ];
  for (const e of fs.readdirSync("/proc")) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"))) continue; // a zombie, not yet reaped
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (cmd === "/pause" || marks.some((m) => cmd.includes(m))) procs.push(`${pid} ${cmd.slice(0, 120)}`);
    } catch {
      /* exited meanwhile */
    }
  }
  if (procs.length) out.push(`processes: ${procs.join("; ")}`);
  for (const ctrl of cgroupControllers()) {
    const cg = fs.readdirSync(path.join("/sys/fs/cgroup", ctrl)).filter((d) => d.startsWith(`${PREFIX}-`));
    if (cg.length) out.push(`cgroups ${ctrl}: ${cg.join(" ")}`);
  }
  const dirs = fs.readdirSync(STATE_ROOT).filter((d) => d.startsWith(`${PREFIX}-`));
  if (dirs.length) out.push(`state dirs: ${dirs.map((d) => path.join(STATE_ROOT, d)).join(" ")}`);
  return out;
}

/** Cleans what a crashed earlier run left (every /tmp/rmqk8s-* state directory, rmqk8s-* netns). */
export function sweepStale(): void {
  const dirs = fs.readdirSync(STATE_ROOT).filter((d) => d.startsWith(`${PREFIX}-`));
  const ns = listNetns().filter((n) => n.startsWith(`${PREFIX}-`));
  if (!dirs.length && !ns.length) return;
  log(`k8s: cleaning up an earlier run: ${[...dirs, ...ns].join(" ")}`);
  for (const d of dirs.length ? dirs : ["(none)"]) sweep(path.join(STATE_ROOT, d), ns);
}

function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** Builds what is missing and starts a cluster of `nodes` nodes with the images imported. */
export async function startCluster(nodes: number, images: (bins: K8sBins) => ArchiveImage[]): Promise<Cluster> {
  sweepStale();
  const bins = ensureAll(["kube", "debs", "coredns", "pause"]);
  const imgs = images(bins);
  const c = new Cluster(bins, nodes);
  try {
    await c.start(imgs);
  } catch (e) {
    c.stop();
    throw e;
  }
  return c;
}

export { sleep };

/**
 * The lab's storage, since no provisioner exists: StorageClass `local` (no provisioner, bound when a pod is scheduled)
 * and `perNode` local PersistentVolumes on each node, directories of its state (removed with it), of `capacity`.
 */
export function localStorage(c: Cluster, perNode: number, capacity: string): unknown[] {
  const volumes = c.nodes.flatMap((n) =>
    Array.from({ length: perNode }, (_, i) => {
      const dir = path.join(n.dir, "pv", `pv-${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.chmodSync(dir, 0o777);
      return {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `local-${n.name}-${i}` },
        spec: {
          capacity: { storage: capacity },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName: "local",
          local: { path: dir },
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [n.name] }] },
              ],
            },
          },
        },
      };
    }),
  );
  return [
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "local" },
      provisioner: "kubernetes.io/no-provisioner",
      volumeBindingMode: "WaitForFirstConsumer",
    },
    ...volumes,
  ];
}
