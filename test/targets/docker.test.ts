import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, TerraformVariable } from "cdktf";
import {
  BrokerPair,
  Dashboard,
  DLedgerGroup,
  DockerHost,
  DockerNetworkMode,
  NameServer,
  Proxy,
  RocketMqCluster,
  ControllerBrokerSet,
  ControllerGroup,
  RocketMqVersion,
} from "../../lib";
import { isLoopback } from "../../lib/core/rules/hosts";
import { goDuration } from "../../lib/targets/docker/container-spec";
import { containers, storeInits, synth, synthError, synthWarnings, uploadedProperties } from "../helpers";

function oneBrokerCluster(
  s: TerraformStack,
  clusterProps: ConstructorParameters<typeof RocketMqCluster>[2] = {},
  hostProps: Partial<ConstructorParameters<typeof DockerHost>[2]> = {},
) {
  const h = new DockerHost(s, "h1", { address: "10.0.0.1", ...hostProps });
  const cluster = new RocketMqCluster(s, "rmq", clusterProps);
  new NameServer(cluster, "ns", { host: h });
  return { h, cluster };
}

describe("stores are written by the user RocketMQ runs as, with no manual step", () => {
  const json = synth((s) => {
    const { h, cluster } = oneBrokerCluster(s);
    new BrokerPair(cluster, "broker-a", {
      master: { host: h },
      slaves: [{ host: h, listenPort: 11911, store: { hostPath: "/data/rocketmq/broker-a-s" } }],
    });
  });
  const inits = storeInits(json);
  const servers = containers(json);

  test("every server container runs as the official image's rocketmq user, 3000:3000", () => {
    for (const c of Object.values<any>(servers)) expect(c.user).toBe("3000:3000");
  });

  test("each store (named volume or host directory) is chowned to 3000:3000 by a one-shot root container before its server starts", () => {
    expect(Object.keys(inits).sort()).toEqual([
      "defaultcluster-broker-a-0-store-init",
      "defaultcluster-broker-a-1-store-init",
      "defaultcluster-namesrv-ns-store-init",
    ]);
    const master = inits["defaultcluster-broker-a-0-store-init"];
    expect(master).toMatchObject({
      user: "0:0",
      entrypoint: ["chown"],
      command: ["3000:3000", "/home/rocketmq/store", "/home/rocketmq/logs"],
      network_mode: "none",
      attach: true,
      must_run: false,
    });
    // The server's store and logs volumes, as its server mounts them, and the folder of the server's files.
    expect(master.volumes).toEqual([
      ...servers["defaultcluster-broker-a-0"].volumes.slice(0, 2),
      { container_path: "/home/rocketmq/conf" },
    ]);
    // A host directory: its parent is mounted, the directory made there (never an existing one taken over).
    const slave = inits["defaultcluster-broker-a-1-store-init"];
    expect(slave.volumes).toEqual([
      { container_path: "/rocketmq-store-parent", host_path: "/data/rocketmq" },
      servers["defaultcluster-broker-a-1"].volumes[1],
      { container_path: "/home/rocketmq/conf" },
    ]);
    expect(slave.entrypoint).toEqual(["sh", "-c"]);
    expect(slave.command[0]).toContain("d='/rocketmq-store-parent/broker-a-s'");
    expect(slave.command[0]).toContain("chown 3000:3000 '/home/rocketmq/logs' || exit 1");
    expect(inits["defaultcluster-namesrv-ns-store-init"].command).toEqual([
      "3000:3000",
      "/home/rocketmq/namesrv",
      "/home/rocketmq/logs",
    ]);
    const ids = Object.fromEntries(
      Object.entries<any>(json.resource.docker_container).map(([id, c]) => [c.name, `docker_container.${id}`]),
    );
    for (const name of ["defaultcluster-broker-a-0", "defaultcluster-broker-a-1", "defaultcluster-namesrv-ns"]) {
      expect(servers[name].depends_on).toContain(ids[`${name}-store-init`]);
    }
  });

  test("runAs changes the containers' user and the stores' owner together", () => {
    const other = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s, { runAs: "3000:999" });
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    expect(containers(other)["defaultcluster-broker-a-0"].user).toBe("3000:999");
    expect(storeInits(other)["defaultcluster-broker-a-0-store-init"].command).toEqual([
      "3000:999",
      "/home/rocketmq/store",
      "/home/rocketmq/logs",
    ]);
  });

  test("a runAs that is not uid:gid is an error on the cluster", () => {
    const msg = synthError((s) => {
      const { h, cluster } = oneBrokerCluster(s, { runAs: "rocketmq" });
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    expect(msg).toContain('[stack/rmq] [ids/run-as] runAs "rocketmq" is not a numeric uid:gid');
  });

  test("a proxy has no store: its logs-init hands over its logs volume only", () => {
    const json5 = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s, { version: RocketMqVersion.V5_3_3 });
      new Proxy(cluster, "proxy", { host: h });
    });
    const inits5 = storeInits(json5);
    expect(Object.keys(inits5).sort()).toEqual([
      "defaultcluster-namesrv-ns-store-init",
      "defaultcluster-proxy-proxy-logs-init",
    ]);
    const proxy = containers(json5)["defaultcluster-proxy-proxy"];
    expect(inits5["defaultcluster-proxy-proxy-logs-init"]).toMatchObject({
      entrypoint: ["chown"],
      command: ["3000:3000", "/home/rocketmq/logs"],
      volumes: [proxy.volumes[0], { container_path: "/home/rocketmq/conf" }],
    });
    expect(proxy.volumes.map((v: any) => v.container_path ?? `from ${v.from_container}`)).toEqual([
      "/home/rocketmq/logs",
      "/tmp",
      "from ${docker_container.rmq_proxy_logs-init_003BE23B.id}",
    ]);
  });
});

describe("servers run on a read-only root file system", () => {
  const json = synth((s) => {
    const { h, cluster } = oneBrokerCluster(s, { version: RocketMqVersion.V5_3_3 });
    new BrokerPair(cluster, "broker-a", { master: { host: h } });
    new Proxy(cluster, "proxy", { host: h });
    new Dashboard(cluster, "console", { host: h });
  });
  const servers = containers(json);
  const role = (c: any) => c.labels.find((l: any) => l.label === "rocketmq.role").value;
  const rocketmq = Object.values<any>(servers).filter((c) => role(c) !== "dashboard");
  const console = Object.values<any>(servers).find((c) => role(c) === "dashboard");

  test("every RocketMQ server container is read_only; the console's image keeps its writable root", () => {
    expect(rocketmq.map((c) => c.name).sort()).toEqual([
      "defaultcluster-broker-a-0",
      "defaultcluster-namesrv-ns",
      "defaultcluster-proxy-proxy",
    ]);
    for (const c of rocketmq) expect(c.read_only).toBe(true);
    expect(console.read_only).toBeUndefined();
  });

  test("each writes only to volumes: its store, its logs (a named volume of its own) and /tmp", () => {
    const logsVolumes = Object.values<any>(json.resource.docker_volume).filter((v) =>
      (v.labels ?? []).some((l: any) => l.label === "rocketmq.logsOf"),
    );
    expect(logsVolumes.map((v) => [v.name, v.labels[0].value]).sort()).toEqual(
      rocketmq.map((c) => [`${c.name}-logs`, c.name]).sort(),
    );
    for (const c of rocketmq) {
      const byPath = Object.fromEntries(c.volumes.map((v: any) => [v.container_path, v]));
      expect(byPath["/home/rocketmq/logs"].volume_name).toMatch(/^\$\{docker_volume\..*_logs_[0-9A-F]+\.name\}$/);
      // Anonymous: created with the container and removed with it, as its writable layer was.
      expect(byPath["/tmp"]).toEqual({ container_path: "/tmp" });
    }
  });

  test("its files come from its init container, read-only: Docker refuses uploads into a read-only container", () => {
    const all = json.resource.docker_container;
    for (const own of Object.values<any>(all).filter((c) => c.read_only)) {
      // Nothing uploaded into the server itself (the provider copies into `/`, which a read-only root refuses).
      expect(own.upload).toBeUndefined();
      const from = own.volumes.filter((v: any) => v.from_container !== undefined);
      expect(from).toHaveLength(1);
      expect(from[0].read_only).toBe(true);
      // By the init's id: a changed file replaces the init, and its new id the server.
      const id = /^\$\{docker_container\.([^.}]+)\.id\}$/.exec(from[0].from_container)![1];
      const init = all[id];
      expect(init.name).toMatch(new RegExp(`^${own.name}-(store|logs)-init$`));
      expect(init.upload.length).toBeGreaterThan(0);
      // Each file lands in an anonymous volume of the init at its folder, which the server then mounts.
      const folders = new Set(
        init.volumes.filter((v: any) => !v.volume_name && !v.host_path).map((v: any) => v.container_path),
      );
      for (const u of init.upload) expect(folders).toContain(path.posix.dirname(u.file));
      expect(own.depends_on).toContain(`docker_container.${id}`);
    }
  });
});

describe("store volumes are protected from destroy and replacement unless the user opts in", () => {
  const volumes = (json: any) =>
    Object.fromEntries(Object.values<any>(json.resource.docker_volume).map((v) => [v.name, v]));

  test("by default every store volume carries prevent_destroy; the logs volumes do not", () => {
    const json = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s);
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    const vs = volumes(json);
    expect(Object.keys(vs).sort()).toEqual([
      "defaultcluster-broker-a-0-logs",
      "defaultcluster-broker-a-0-store",
      "defaultcluster-namesrv-ns-logs",
      "defaultcluster-namesrv-ns-store",
    ]);
    for (const [name, v] of Object.entries<any>(vs))
      expect(v.lifecycle).toEqual(name.endsWith("-store") ? { prevent_destroy: true } : undefined);
  });

  test("allowStoreDestroy on the cluster lifts it; a store's own allowDestroy wins", () => {
    const json = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s, { allowStoreDestroy: true });
      new BrokerPair(cluster, "broker-a", {
        master: { host: h },
        slaves: [{ host: h, listenPort: 11911, store: { allowDestroy: false } }],
      });
    });
    const vs = volumes(json);
    expect(vs["defaultcluster-namesrv-ns-store"].lifecycle).toBeUndefined();
    expect(vs["defaultcluster-broker-a-0-store"].lifecycle).toBeUndefined();
    expect(vs["defaultcluster-broker-a-1-store"].lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe("network modes", () => {
  test("on the bridge network (default) every port the process opens is published at the same number", () => {
    const json = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s);
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    const c = containers(json)["defaultcluster-broker-a-0"];
    expect(c.network_mode).toBe("bridge");
    expect(c.ports.map((p: any) => [p.internal, p.external])).toEqual([
      [10909, 10909],
      [10911, 10911],
      [10912, 10912],
    ]);
  });

  test("on the host network nothing is published and 127.0.0.1 is a valid address for a one-machine cluster", () => {
    const json = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s, {}, { address: "127.0.0.1", networkMode: DockerNetworkMode.HOST });
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    const c = containers(json)["defaultcluster-broker-a-0"];
    expect(c.network_mode).toBe("host");
    expect(c.ports).toBeUndefined();
    expect(uploadedProperties(c).namesrvAddr).toBe("127.0.0.1:9876");
  });

  test("a loopback address on the bridge network is one error, on the host, naming the processes and the fix", () => {
    const msg = synthError((s) => {
      const { h, cluster } = oneBrokerCluster(s, {}, { address: "127.0.0.1" });
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    const lines = msg.split("\n").filter((l) => l.includes("[hosts/loopback]"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("[stack/h1] [hosts/loopback] address 127.0.0.1 is a loopback address");
    expect(lines[0]).toContain("broker-a master, name server ns");
    expect(lines[0]).toContain("(a Docker engine on the bridge network)");
    expect(lines[0]).toContain(
      "Fix: give the processes the machine's network (on a DockerHost: networkMode: DockerNetworkMode.HOST;",
    );
  });

  test("following the fix synthesizes", () => {
    expect(() =>
      synth((s) => {
        const { h, cluster } = oneBrokerCluster(s, {}, { address: "127.0.0.1", networkMode: DockerNetworkMode.HOST });
        new DLedgerGroup(cluster, "broker-c", {
          peers: [{ host: h }, { host: h, listenPort: 20911 }, { host: h, listenPort: 30911 }],
        });
        new BrokerPair(cluster, "broker-a", { master: { host: h, listenPort: 10811 } });
      }),
    ).not.toThrow();
  });

  test("a loopback host without processes, and a bridge host with a real address, are fine", () => {
    expect(() =>
      synth((s) => {
        new DockerHost(s, "idle", { address: "127.0.0.1" });
        const { h, cluster } = oneBrokerCluster(s);
        new BrokerPair(cluster, "broker-a", { master: { host: h } });
      }),
    ).not.toThrow();
  });

  test("controllers and proxies on a loopback bridge host are caught too", () => {
    const msg = synthError((s) => {
      const { h, cluster } = oneBrokerCluster(s, { version: RocketMqVersion.V5_3_3 }, { address: "localhost" });
      new ControllerGroup(cluster, "controllers", { controllers: [{ host: h }] });
      new ControllerBrokerSet(cluster, "broker-a", { brokers: [{ host: h }, { host: h, listenPort: 20911 }] });
    });
    expect(msg).toContain("[stack/h1] [hosts/loopback] address localhost");
    expect(msg).toContain("controller n0");
  });

  test.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["rmq.localhost", true],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["broker.example.com", false],
    ["::2", false],
  ])("isLoopback(%s) is %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe("plans stay empty after apply", () => {
  test.each([
    [500, "500ms"],
    [5_000, "5s"],
    [10_000, "10s"],
    [60_000, "1m0s"],
    [90_000, "1m30s"],
    [3_600_000, "1h0m0s"],
  ])("goDuration(%d) is Go's time.Duration.String() %s", (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });

  test("health check durations are written the way the provider reads them back", () => {
    const json = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s);
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    });
    const hc = containers(json)["defaultcluster-broker-a-0"].healthcheck;
    expect([hc.interval, hc.timeout, hc.start_period]).toEqual(["10s", "5s", "1m0s"]);
  });
});

test("memory_swap equals memory: no swap, and nothing for Docker to fill in that the next plan would undo", () => {
  const json = synth((s) => {
    const { h, cluster } = oneBrokerCluster(s);
    new BrokerPair(cluster, "broker-a", { master: { host: h, jvm: { heapMb: 512, directMemoryMb: 512 } } });
  });
  const c = containers(json)["defaultcluster-broker-a-0"];
  expect([c.memory, c.memory_swap]).toEqual([1280, 1280]);
});

describe("Terraform expressions", () => {
  test("an address from a variable flows into every file and label as a Terraform interpolation, with a warning that names the skipped checks", () => {
    const build = (s: TerraformStack) => {
      const addr = new TerraformVariable(s, "addr", { type: "string" });
      const { h, cluster } = oneBrokerCluster(s, {}, { address: addr.stringValue });
      new BrokerPair(cluster, "broker-a", { master: { host: h } });
    };
    const json = synth(build);
    const broker = uploadedProperties(containers(json)["defaultcluster-broker-a-0"]);
    expect(broker.brokerIP1).toBe("${var.addr}");
    expect(broker.namesrvAddr).toBe("${var.addr}:9876");
    expect(json.output.rmq_namesrvAddr.value).toBe("${var.addr}:9876");
    expect(synthWarnings(build)).toEqual([
      expect.stringContaining("stack/h1: [props/unresolved] address is a Terraform expression"),
    ]);
  });
});

/**
 * The store-init script of a host directory, run for real on this machine (as root, as the container runs it) with
 * its parent mount replaced by a temporary folder: it makes and hands over a new directory, accepts one the user owns
 * already, and takes over nothing else.
 */
describe("the store-init of a host directory changes the owner only of a directory it makes", () => {
  const root = process.getuid?.() === 0;
  const run = (parent: string, leaf: string) => {
    const json = synth((s) => {
      const { h, cluster } = oneBrokerCluster(s);
      new BrokerPair(cluster, "broker-a", { master: { host: h, store: { hostPath: `/data/rocketmq/${leaf}` } } });
    });
    // The logs volume's mount point, as Docker makes it: a root-owned folder of its own.
    const logs = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-logs-"));
    const script = String(storeInits(json)["defaultcluster-broker-a-0-store-init"].command[0])
      .replace("/rocketmq-store-parent", parent)
      .replace("/home/rocketmq/logs", logs);
    return { ...spawnSync("sh", ["-c", script], { encoding: "utf8" }), logs };
  };
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "rmq-store-init-"));

  (root ? test : test.skip)(
    "a missing directory is made, 0750, owned by 3000:3000; the logs volume handed over",
    () => {
      const parent = tmp();
      const r = run(parent, "broker-a");
      const st = fs.statSync(path.join(parent, "broker-a"));
      expect({ status: r.status, uid: st.uid, gid: st.gid, mode: (st.mode & 0o777).toString(8) }).toEqual({
        status: 0,
        uid: 3000,
        gid: 3000,
        mode: "750",
      });
      expect(fs.statSync(r.logs).uid).toBe(3000);
    },
  );

  (root ? test : test.skip)(
    "a directory someone else owns is left as it is, and the container exits 1 saying why",
    () => {
      const parent = tmp();
      fs.mkdirSync(path.join(parent, "broker-a"), { mode: 0o755 });
      const r = run(parent, "broker-a");
      const st = fs.statSync(path.join(parent, "broker-a"));
      expect({ status: r.status, uid: st.uid, mode: (st.mode & 0o777).toString(8) }).toEqual({
        status: 1,
        uid: 0,
        mode: "755",
      });
      expect(r.stderr).toContain(
        "the store directory /data/rocketmq/broker-a exists and is owned by 0:0, not by 3000:3000: the library hands over only directories it makes. If it is this store's, run chown 3000:3000 /data/rocketmq/broker-a on the machine",
      );
    },
  );

  (root ? test : test.skip)(
    "a directory the user RocketMQ runs as owns already is accepted (a replaced container)",
    () => {
      const parent = tmp();
      fs.mkdirSync(path.join(parent, "broker-a"));
      fs.chownSync(path.join(parent, "broker-a"), 3000, 3000);
      expect(run(parent, "broker-a").status).toBe(0);
    },
  );
});
