/**
 * The official example configs (RocketMQ's distribution/conf, copied to
 * ../shared/reference/rocketmq/examples/<version>/) against what the library generates for the same
 * topology: for every key of the version's catalogue that either file sets, the EFFECTIVE value (the
 * file's value, else the catalogue default, after RocketMQ's startup overrides: see effective.ts) must be
 * equal, except the keys of the allow-list ALLOWED below, each with the reason. A test asserts the exact
 * set of differing keys and both values, so an allow-listed key that stops differing fails too.
 *
 * Effective defaults are evaluated with user.home = /home/rocketmq (the official image), so the
 * library's explicit store paths, kvConfigPath and listenPort=10911 need no allow-list entry: they are
 * what the example ends up with in that image.
 */
import { TerraformStack } from "cdktf";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  DLedgerGroup,
  DockerHost,
  DockerNetworkMode,
  FlushDiskType,
  NameServer,
  Proxy,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
} from "../../lib";
import * as library from "../../lib";
import { catalogueFor, keySpec, Section } from "../../lib/core/versions";
import { containers, uploadedProperties } from "../helpers";
import {
  compareEffective,
  DEFAULT,
  Difference,
  effectiveSettings,
  exampleFiles,
  exampleText,
  loadJavaProperties,
  resolveDifferences,
  synthChecked,
  USER_HOME,
} from "./effective";

const VERSIONS = ["4.7.0", "4.9.8", "5.3.3"] as const;
const BROKER_STORE = "/home/rocketmq/store";

/**
 * The allow-list: the only keys whose effective value may differ from an official example, and why.
 * Each test lists which of them differ for its file and with which values.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  namesrvAddr:
    "The library always writes the cluster's name servers (every NameServer, host:port, sorted). The 2m-2s, 2m-noslave, " +
    "broker.conf and rmq-proxy.json examples set none and rely on -n / NAMESRV_ADDR / -Drocketmq.namesrv.addr at start; the " +
    "dledger and controller examples write 127.0.0.1:9876, which only matches when the library's name server is on 127.0.0.1.",
  brokerIP1:
    "The library always advertises the DockerHost address; the examples leave RocketMQ's guess of a local address " +
    "(RemotingUtil/NetworkUtil.getLocalAddress()), which in a container is the container's own address, unreachable from other hosts.",
  brokerIP2: "The HA address slaves connect to: the DockerHost address for the same reason as brokerIP1.",
  remotingAccessAddr:
    "The proxy's address in remoting route answers: the library writes the DockerHost address; the example leaves the " +
    "proxy's guess of a local address (ProxyConfig.initData), the container's own address in Docker, unreachable for clients outside.",
  localServeAddr: "The proxy's own serving address: the DockerHost address for the same reason as remotingAccessAddr.",
  storePathRootDir:
    "The library keeps each broker's store on its own volume mounted at /home/rocketmq/store (which is also the image's default " +
    "${user.home}/store, so the 2m-2s examples match). The dledger and controller quick-start examples pick /tmp/rmqstore/node0X " +
    "to keep brokers on one machine apart; the library separates them with one volume per container.",
  storePathCommitLog: "<storePathRootDir>/commitlog in both; differs exactly where storePathRootDir does.",
  dLegerPeers:
    "Host part only: the library writes each peer's DockerHost address, the example 127.0.0.1 (all peers on one machine). " +
    "Identical when the peers sit on a 127.0.0.1 host as in the example; on separate hosts the test checks that replacing the " +
    "host parts by 127.0.0.1 gives the example's string (ids and raft ports equal).",
  controllerDLegerPeers:
    "Host part only, as dLegerPeers: controllers on separate hosts instead of the example's 127.0.0.1.",
  controllerStorePath:
    "The library puts the controller's raft log on the process's volume (standalone: /home/rocketmq/controller; embedded: " +
    "/home/rocketmq/namesrv/controller on the name server's volume) so that it survives the container; the examples leave the " +
    "default ${user.home}/DLedgerController, inside the container.",
};

/** A documented difference of `key` (which must be in ALLOWED). `example` defaults to DEFAULT: the example does not set the key. */
function allowed(key: string, library: string, example: string | typeof DEFAULT = DEFAULT): Difference {
  const why = ALLOWED[key];
  if (why === undefined) throw new Error(`${key} is not in the allow-list ALLOWED`);
  return { key, example, library, why };
}

/** The host-specific keys of a broker whose example sets no namesrvAddr and no brokerIP. */
function hostKeys(namesrv: string, address: string): Difference[] {
  return [allowed("namesrvAddr", namesrv), allowed("brokerIP1", address), allowed("brokerIP2", address)];
}

/** The store keys of a broker whose example puts its store under `root`. */
function storeKeys(root: string): Difference[] {
  return [
    allowed("storePathRootDir", BROKER_STORE, root),
    allowed("storePathCommitLog", `${BROKER_STORE}/commitlog`, `${root}/commitlog`),
  ];
}

/** An example file as RocketMQ reads it: java.util.Properties, or rmq-proxy.json bound by fastjson (values as strings). */
function readExample(version: string, file: string, section: Section): Record<string, string> {
  const text = exampleText(version, file);
  if (section !== "proxy") return loadJavaProperties(text);
  return stringValues(JSON.parse(text));
}

function stringValues(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

/** Every example file a test compares, `<version>/<file>`; the coverage test checks that none is forgotten. */
const covered = new Set<string>();

/**
 * Asserts that the generated file has the same effective settings as the example, except exactly the
 * `documented` differences (with exactly those values). `junk`: keys the example file has that are not
 * keys of the section (RocketMQ ignores them); they are dropped before comparing.
 */
function expectSameEffectiveSettings(
  version: string,
  section: Section,
  file: string,
  generated: Record<string, string>,
  documented: readonly Difference[],
  junk: readonly string[] = [],
): void {
  const example = readExample(version, file, section);
  const cmp = compareEffective(version, section, example, generated);
  expect(cmp.unknownInGenerated).toEqual([]);
  expect(cmp.droppedFromExample.sort()).toEqual([...junk].sort());
  expect(cmp.padded).toEqual([]);
  for (const d of documented) if (d.example === DEFAULT) expect(Object.keys(example)).not.toContain(d.key);
  expect(cmp.differences).toEqual(resolveDifferences(version, section, documented));
  // Not vacuous: every real key of the example took part in the comparison.
  expect(cmp.compared).toEqual(expect.arrayContaining(Object.keys(example).filter((k) => !junk.includes(k))));
}

function once<T>(f: () => T): () => T {
  let v: { value: T } | undefined;
  return () => (v ??= { value: f() }).value;
}

/** The examples put every process on one machine at 127.0.0.1: the host network, as the library's DevStack. */
function host(stack: TerraformStack, id: string, address: string): DockerHost {
  return new DockerHost(stack, id, {
    address,
    networkMode: address === "127.0.0.1" ? DockerNetworkMode.HOST : undefined,
    dockerHost: address === "127.0.0.1" ? undefined : `ssh://ops@${address}`,
  });
}

/** deleteWhen/fileReservedTime as every classic example sets them (deleteWhen=04 is also the default). */
const RETENTION = { deleteWhen: "04", fileReservedTime: 48 } as const;
const NS_ADDRESS = "10.0.0.100";

/**
 * The classic examples' topologies: master/slave sets, one host per broker and the name server on its
 * own host, so no rule fires. Slaves listen on 10911 as in the examples (the library's default for a
 * slave is 10911 + 1000 × brokerId: documented below).
 */
interface PairSpec {
  readonly brokerName: string;
  readonly replication: "SYNC" | "ASYNC";
  readonly masterFlush?: "SYNC_FLUSH" | "ASYNC_FLUSH";
  readonly withSlave: boolean;
  readonly slaveListenPort?: number | "library default";
}

function classicCluster(version: string, pairs: readonly PairSpec[]) {
  return synthChecked((s) => {
    const cluster = new RocketMqCluster(s, "rmq", {
      clusterName: "DefaultCluster",
      version: RocketMqVersion.of(version),
      brokerProperties: RETENTION,
    });
    new NameServer(cluster, "ns", { host: host(s, "hns", NS_ADDRESS) });
    pairs.forEach((p, i) => {
      // the examples' values are RocketMQ's spellings, which the enums carry as they are
      const master = {
        host: host(s, `h${i}m`, `10.0.0.${10 * i + 1}`),
        ...(p.masterFlush ? { flushDiskType: p.masterFlush as FlushDiskType } : {}),
      };
      const slavePort = p.slaveListenPort === "library default" ? {} : { listenPort: p.slaveListenPort ?? 10911 };
      const slaves = p.withSlave ? [{ host: host(s, `h${i}s`, `10.0.0.${10 * i + 2}`), ...slavePort }] : [];
      new BrokerPair(cluster, p.brokerName, { replication: p.replication as Replication, master, slaves });
    });
  });
}

/** `broker-a.properties` → the master's container, `broker-a-s.properties` → the slave's; addresses as in classicCluster. */
function classicFiles(set: string, brokerNames: readonly string[], ext: string) {
  return brokerNames.flatMap((name, i) => [
    {
      file: `${set}/${name}.${ext}`,
      container: `defaultcluster-${name}-0`,
      address: `10.0.0.${10 * i + 1}`,
      role: "master",
    },
    {
      file: `${set}/${name}-s.${ext}`,
      container: `defaultcluster-${name}-1`,
      address: `10.0.0.${10 * i + 2}`,
      role: "slave",
    },
  ]);
}

describe("the effective-value model follows the catalogue", () => {
  test.each(VERSIONS)(
    "%s: brokerId is forced to 0 for masters and to -1 for DLedger, as the catalogue's startupFacts say",
    (version) => {
      const facts = keySpec(catalogueFor(version), "broker", "brokerId")!.startupFacts;
      expect(facts).toEqual(
        expect.arrayContaining([
          "ASYNC_MASTER/SYNC_MASTER: brokerId forced to 0",
          "enableDLegerCommitLog=true: brokerId set to -1",
        ]),
      );
      const get = (file: Record<string, string>) => effectiveSettings(version, "broker", file)("brokerId");
      expect(get({ brokerRole: "SYNC_MASTER", brokerId: "3" })).toBe("0");
      expect(get({ brokerRole: "SLAVE", brokerId: "2" })).toBe("2");
      expect(get({ enableDLegerCommitLog: "true", brokerId: "0" })).toBe("-1");
      if (version === "5.3.3") expect(get({ enableControllerMode: "true", brokerId: "-1" })).toBe("-1");
    },
  );

  test.each(VERSIONS)(
    "%s: defaults are evaluated in the official image (user.home /home/rocketmq), the commit log follows the root",
    (version) => {
      const get = effectiveSettings(version, "broker", {});
      expect([get("storePathRootDir"), get("storePathCommitLog"), get("listenPort"), get("haListenPort")]).toEqual([
        `${USER_HOME}/store`,
        `${USER_HOME}/store/commitlog`,
        "10911",
        "10912",
      ]);
      expect(effectiveSettings(version, "broker", { storePathRootDir: "/x" })("storePathCommitLog")).toBe(
        version === "4.7.0" ? `${USER_HOME}/store/commitlog` : "/x/commitlog",
      );
      expect(effectiveSettings(version, "namesrv", {})("kvConfigPath")).toBe(`${USER_HOME}/namesrv/kvConfig.json`);
    },
  );

  test("5.3.3: controllerStorePath derives from controllerType, proxyMode's Java initializer is CLUSTER", () => {
    expect(keySpec(catalogueFor("5.3.3"), "controller", "controllerStorePath")!.getterBody).toContain(
      'controllerType + "Controller"',
    );
    expect(effectiveSettings("5.3.3", "controller", {})("controllerStorePath")).toBe(`${USER_HOME}/DLedgerController`);
    expect(effectiveSettings("5.3.3", "proxy", {})("proxyMode")).toBe("CLUSTER");
  });
});

for (const version of VERSIONS) {
  describe(`${version} 2m-2s-sync: DefaultCluster, broker-a and broker-b SYNC with one slave each, one host per broker`, () => {
    // The example's SYNC_MASTERs use flushDiskType=ASYNC_FLUSH: passed explicitly (the library's default differs, below).
    const synth = once(() =>
      classicCluster(version, [
        { brokerName: "broker-a", replication: "SYNC", masterFlush: "ASYNC_FLUSH", withSlave: true },
        { brokerName: "broker-b", replication: "SYNC", masterFlush: "ASYNC_FLUSH", withSlave: true },
      ]),
    );

    test("no rule fires", () => {
      expect(synth().warnings).toEqual([]);
    });

    for (const f of classicFiles("2m-2s-sync", ["broker-a", "broker-b"], "properties")) {
      covered.add(`${version}/${f.file}`);
      test(`${f.file}: the ${f.role} matches the official example except host-specific keys (namesrvAddr, brokerIP1, brokerIP2)`, () => {
        const generated = uploadedProperties(containers(synth().json)[f.container]);
        expectSameEffectiveSettings(version, "broker", f.file, generated, hostKeys(`${NS_ADDRESS}:9876`, f.address));
      });
    }

    test("documented difference: with the library's default flushDiskType a SYNC master gets SYNC_FLUSH, the example ASYNC_FLUSH", () => {
      // The library follows the seed tutorial (a SYNC master flushes synchronously); RocketMQ's examples keep ASYNC_FLUSH.
      // Not a gap: MasterProps.flushDiskType reproduces the example, as above.
      const { json } = classicCluster(version, [{ brokerName: "broker-a", replication: "SYNC", withSlave: true }]);
      const generated = uploadedProperties(containers(json)["defaultcluster-broker-a-0"]);
      expect(generated.flushDiskType).toBe("SYNC_FLUSH");
      const cmp = compareEffective(
        version,
        "broker",
        readExample(version, "2m-2s-sync/broker-a.properties", "broker"),
        generated,
      );
      expect(cmp.differences.filter((d) => !(d.key in ALLOWED))).toEqual([
        { key: "flushDiskType", example: "ASYNC_FLUSH", library: "SYNC_FLUSH" },
      ]);
    });

    test("documented difference: with the library's default listenPort a slave listens on 11911, the example on 10911", () => {
      // The examples give no port (10911 everywhere), so two of them cannot share a host; the library's slave default
      // 10911 + 1000 × brokerId lets a slave share a host with another set's master. Not a gap: SlaveProps.listenPort.
      const { json } = classicCluster(version, [
        {
          brokerName: "broker-a",
          replication: "SYNC",
          masterFlush: "ASYNC_FLUSH",
          withSlave: true,
          slaveListenPort: "library default",
        },
      ]);
      const generated = uploadedProperties(containers(json)["defaultcluster-broker-a-1"]);
      const cmp = compareEffective(
        version,
        "broker",
        readExample(version, "2m-2s-sync/broker-a-s.properties", "broker"),
        generated,
      );
      expect(cmp.differences.filter((d) => !(d.key in ALLOWED))).toEqual([
        { key: "listenPort", example: "10911", library: "11911" },
      ]);
    });
  });

  describe(`${version} 2m-2s-async: DefaultCluster, broker-a and broker-b ASYNC with one slave each, one host per broker`, () => {
    // No flushDiskType given: the library's default for an ASYNC master and for slaves is the example's ASYNC_FLUSH.
    const synth = once(() =>
      classicCluster(version, [
        { brokerName: "broker-a", replication: "ASYNC", withSlave: true },
        { brokerName: "broker-b", replication: "ASYNC", withSlave: true },
      ]),
    );

    test("no rule fires", () => {
      expect(synth().warnings).toEqual([]);
    });

    for (const f of classicFiles("2m-2s-async", ["broker-a", "broker-b"], "properties")) {
      covered.add(`${version}/${f.file}`);
      test(`${f.file}: the ${f.role} matches the official example except host-specific keys (namesrvAddr, brokerIP1, brokerIP2)`, () => {
        const generated = uploadedProperties(containers(synth().json)[f.container]);
        expectSameEffectiveSettings(version, "broker", f.file, generated, hostKeys(`${NS_ADDRESS}:9876`, f.address));
      });
    }
  });

  describe(`${version} 2m-noslave: DefaultCluster, ASYNC masters broker-a, broker-b and broker-trace without slaves`, () => {
    const names = ["broker-a", "broker-b", "broker-trace"];
    const synth = once(() =>
      classicCluster(
        version,
        names.map((brokerName) => ({ brokerName, replication: "ASYNC", withSlave: false })),
      ),
    );

    test("no rule fires", () => {
      expect(synth().warnings).toEqual([]);
    });

    names.forEach((name, i) => {
      const file = `2m-noslave/${name}.properties`;
      covered.add(`${version}/${file}`);
      test(`${file}: the master matches the official example except host-specific keys (namesrvAddr, brokerIP1, brokerIP2)`, () => {
        const generated = uploadedProperties(containers(synth().json)[`defaultcluster-${name}-0`]);
        expectSameEffectiveSettings(
          version,
          "broker",
          file,
          generated,
          hostKeys(`${NS_ADDRESS}:9876`, `10.0.0.${10 * i + 1}`),
        );
      });
    });
  });

  describe(`${version} broker.conf: DefaultCluster, one ASYNC master broker-a`, () => {
    covered.add(`${version}/broker.conf`);
    test("broker.conf (blanks around '=') matches the official example except host-specific keys (namesrvAddr, brokerIP1, brokerIP2)", () => {
      const { json, warnings } = classicCluster(version, [
        { brokerName: "broker-a", replication: "ASYNC", withSlave: false },
      ]);
      expect(warnings).toEqual([]);
      const generated = uploadedProperties(containers(json)["defaultcluster-broker-a-0"]);
      expectSameEffectiveSettings(
        version,
        "broker",
        "broker.conf",
        generated,
        hostKeys(`${NS_ADDRESS}:9876`, "10.0.0.1"),
      );
    });
  });

  describe(`${version} dledger: RaftCluster, DLedgerGroup RaftNode00 of three peers`, () => {
    const ports = [30911, 30921, 30931];
    const dledger = (hosts: (s: TerraformStack) => DockerHost[]) =>
      synthChecked((s) => {
        const h = hosts(s);
        const cluster = new RocketMqCluster(s, "rmq", {
          clusterName: "RaftCluster",
          version: RocketMqVersion.of(version),
        });
        new NameServer(cluster, "ns", { host: h[0] });
        new DLedgerGroup(cluster, "RaftNode00", {
          peers: ports.map((listenPort, i) => ({ host: h[i], listenPort, dLegerPort: 40911 + i })),
          properties: { sendMessageThreadPoolNums: 16 },
        });
      });
    // As the example: everything on one machine, 127.0.0.1 (the library's development setup, see DevStack).
    const oneHost = once(() => dledger((s) => Array(3).fill(host(s, "local", "127.0.0.1"))));
    // As a deployment: one host per peer (the name server on the first).
    const threeHosts = once(() => dledger((s) => [1, 2, 3].map((n) => host(s, `h${n}`, `10.0.0.${n}`))));

    test("three peers on one host: only the placement warning fires", () => {
      expect(oneHost().warnings).toEqual([
        expect.stringContaining("[placement/same-host] 3 peers of DLedger group RaftNode00 run on one host 127.0.0.1"),
      ]);
    });

    [0, 1, 2].forEach((i) => {
      const file = `dledger/broker-n${i}.conf`;
      covered.add(`${version}/${file}`);
      test(`${file}: peer n${i} on a 127.0.0.1 host matches the official example (dLegerPeers and namesrvAddr included) except brokerIP1/2 and the store paths`, () => {
        const generated = uploadedProperties(containers(oneHost().json)[`raftcluster-raftnode00-n${i}`]);
        expectSameEffectiveSettings(version, "broker", file, generated, [
          allowed("brokerIP1", "127.0.0.1"),
          allowed("brokerIP2", "127.0.0.1"),
          ...storeKeys(`/tmp/rmqstore/node0${i}`),
        ]);
      });

      test(`${file}: peer n${i} on its own host differs in addition only by the host part of dLegerPeers and namesrvAddr`, () => {
        const generated = uploadedProperties(containers(threeHosts().json)[`raftcluster-raftnode00-n${i}`]);
        const example = readExample(version, file, "broker");
        expectSameEffectiveSettings(version, "broker", file, generated, [
          allowed("namesrvAddr", "10.0.0.1:9876", "127.0.0.1:9876"),
          allowed("brokerIP1", `10.0.0.${i + 1}`),
          allowed("brokerIP2", `10.0.0.${i + 1}`),
          allowed("dLegerPeers", "n0-10.0.0.1:40911;n1-10.0.0.2:40912;n2-10.0.0.3:40913", example.dLegerPeers),
          ...storeKeys(`/tmp/rmqstore/node0${i}`),
        ]);
        expect(generated.dLegerPeers.replace(/-10\.0\.0\.\d+:/g, "-127.0.0.1:")).toBe(example.dLegerPeers);
      });
    });

    test("three peers on three hosts: no rule fires", () => {
      expect(threeHosts().warnings).toEqual([]);
    });
  });
}

describe("5.3.3 controller/quick-start: one name server with an embedded controller, broker-a in controller mode with two replicas, on 127.0.0.1", () => {
  const synth = once(() =>
    synthChecked((s) => {
      const local = host(s, "local", "127.0.0.1");
      const cluster = new RocketMqCluster(s, "rmq", {
        clusterName: "DefaultCluster",
        version: RocketMqVersion.V5_3_3,
        brokerProperties: RETENTION,
      });
      const ns = new NameServer(cluster, "ns", { host: local });
      new ControllerGroup(cluster, "group1", { inNameServers: [{ nameServer: ns }] });
      new ControllerBrokerSet(cluster, "broker-a", {
        brokers: [
          { host: local, listenPort: 30911 },
          { host: local, listenPort: 30921 },
        ],
      });
    }),
  );

  test("one controller and two replicas on one host: only the quorum, placement and 5.3.3 busy-loop warnings fire", () => {
    expect(synth().warnings.sort()).toEqual([
      expect.stringContaining("stack/rmq/broker-a: [controller/reput-busy-loop] RocketMQ 5.3.3 has a busy loop"),
      expect.stringContaining("stack/rmq/broker-a: [placement/same-host]"),
      expect.stringContaining("stack/rmq/group1: [controller/quorum] Controller group group1 has 1 controller"),
    ]);
  });

  covered.add("5.3.3/controller/quick-start/namesrv.conf");
  test("namesrv.conf: the name server matches the official example except controllerStorePath", () => {
    const generated = uploadedProperties(containers(synth().json)["defaultcluster-namesrv-ns"]);
    expectSameEffectiveSettings("5.3.3", "namesrv", "controller/quick-start/namesrv.conf", generated, [
      allowed("controllerStorePath", "/home/rocketmq/namesrv/controller"),
    ]);
  });

  [0, 1].forEach((i) => {
    const file = `controller/quick-start/broker-n${i}.conf`;
    covered.add(`5.3.3/${file}`);
    test(`broker-n${i}.conf: replica r${i} matches the official example (controllerAddr and namesrvAddr included) except brokerIP1/2 and the store paths`, () => {
      const generated = uploadedProperties(containers(synth().json)[`defaultcluster-broker-a-r${i}`]);
      expectSameEffectiveSettings("5.3.3", "broker", file, generated, [
        allowed("brokerIP1", "127.0.0.1"),
        allowed("brokerIP2", "127.0.0.1"),
        ...storeKeys(`/tmp/rmqstore/node0${i}`),
      ]);
    });
  });
});

describe("5.3.3 controller/controller-standalone.conf: one standalone controller of group group1 on 127.0.0.1", () => {
  covered.add("5.3.3/controller/controller-standalone.conf");
  test("the controller matches the official example except controllerStorePath", () => {
    const { json, warnings } = synthChecked((s) => {
      const local = host(s, "local", "127.0.0.1");
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: local });
      new ControllerGroup(cluster, "group1", { controllers: [{ host: local }] });
    });
    expect(warnings).toEqual([expect.stringContaining("[controller/quorum] Controller group group1 has 1 controller")]);
    const generated = uploadedProperties(containers(json)["defaultcluster-controller-n0"]);
    expectSameEffectiveSettings("5.3.3", "controller", "controller/controller-standalone.conf", generated, [
      allowed("controllerStorePath", "/home/rocketmq/controller"),
    ]);
  });
});

describe("5.3.3 controller/cluster-3n-independent: three standalone controllers of group group1 (ports 9878/9868/9858)", () => {
  const build = (addresses: string[]) =>
    synthChecked((s) => {
      const hosts = [...new Set(addresses)].map((a, i) => host(s, `h${i}`, a));
      const at = (a: string) => hosts.find((h) => h.address === a)!;
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: hosts[0] });
      new ControllerGroup(cluster, "group1", { controllers: addresses.map((a) => ({ host: at(a) })) });
    });
  const oneHost = once(() => build(["127.0.0.1", "127.0.0.1", "127.0.0.1"]));
  const threeHosts = once(() => build(["10.0.0.1", "10.0.0.2", "10.0.0.3"]));

  test("three controllers on three hosts: no rule fires; on one host at most a placement warning", () => {
    expect(threeHosts().warnings).toEqual([]);
    // The library gives no placement/same-host warning for controllers sharing a host today (it does for DLedger
    // peers); a future one would be expected here, any other finding would not.
    expect(oneHost().warnings.filter((w) => !w.includes("[placement/same-host]"))).toEqual([]);
  });

  [0, 1, 2].forEach((i) => {
    const file = `controller/cluster-3n-independent/controller-n${i}.conf`;
    covered.add(`5.3.3/${file}`);
    test(`controller-n${i}.conf: controller n${i} on a 127.0.0.1 host matches the official example (controllerDLegerPeers included) except controllerStorePath`, () => {
      const generated = uploadedProperties(containers(oneHost().json)[`defaultcluster-controller-n${i}`]);
      expectSameEffectiveSettings("5.3.3", "controller", file, generated, [
        allowed("controllerStorePath", "/home/rocketmq/controller"),
      ]);
    });

    test(`controller-n${i}.conf: controller n${i} on its own host differs in addition only by the host part of controllerDLegerPeers`, () => {
      const generated = uploadedProperties(containers(threeHosts().json)[`defaultcluster-controller-n${i}`]);
      const example = readExample("5.3.3", file, "controller");
      expectSameEffectiveSettings("5.3.3", "controller", file, generated, [
        allowed("controllerStorePath", "/home/rocketmq/controller"),
        allowed(
          "controllerDLegerPeers",
          "n0-10.0.0.1:9878;n1-10.0.0.2:9868;n2-10.0.0.3:9858",
          example.controllerDLegerPeers,
        ),
      ]);
      expect(generated.controllerDLegerPeers.replace(/-10\.0\.0\.\d+:/g, "-127.0.0.1:")).toBe(
        example.controllerDLegerPeers,
      );
    });
  });
});

describe("5.3.3 controller/cluster-3n-namesrv-plugin: three name servers (9876/9886/9896) embedding controllers of group group1, on 127.0.0.1", () => {
  const synth = once(() =>
    synthChecked((s) => {
      const local = host(s, "local", "127.0.0.1");
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
      const nameServers = [9876, 9886, 9896].map(
        (listenPort, i) => new NameServer(cluster, `n${i}`, { host: local, listenPort }),
      );
      new ControllerGroup(cluster, "group1", { inNameServers: nameServers.map((nameServer) => ({ nameServer })) });
    }),
  );

  test("three name servers with controllers on one host: at most a placement warning", () => {
    expect(synth().warnings.filter((w) => !w.includes("[placement/same-host]"))).toEqual([]);
  });

  [0, 1, 2].forEach((i) => {
    const file = `controller/cluster-3n-namesrv-plugin/namesrv-n${i}.conf`;
    covered.add(`5.3.3/${file}`);
    test(`namesrv-n${i}.conf: name server n${i} matches the official example except controllerStorePath; the XML comment's junk keys are dropped`, () => {
      // The file opens with an XML licence comment `<!-- ... -->`. java.util.Properties has no such comment syntax: it
      // reads each of its lines as a key (`<!--`, `Licensed`, `http`, ...), which RocketMQ ignores as unknown keys.
      // They are dropped before comparing; the test checks that the dropped keys are exactly those lines' keys.
      const text = exampleText("5.3.3", file);
      const comment = /^<!--[\s\S]*?-->/.exec(text)![0];
      const junk = Object.keys(loadJavaProperties(comment));
      expect(junk).toEqual(expect.arrayContaining(["<!--", "Licensed", "http", "-->"]));
      const generated = uploadedProperties(containers(synth().json)[`defaultcluster-namesrv-n${i}`]);
      expectSameEffectiveSettings(
        "5.3.3",
        "namesrv",
        file,
        generated,
        [allowed("controllerStorePath", "/home/rocketmq/namesrv/controller")],
        junk,
      );
    });
  });
});

describe("5.3.3 rmq-proxy.json: a proxy of DefaultCluster", () => {
  covered.add("5.3.3/rmq-proxy.json");
  test("the generated rmq-proxy.json matches the official example (proxyMode CLUSTER and the ports are the defaults) except namesrvAddr and the advertised addresses", () => {
    const { json, warnings } = synthChecked((s) => {
      const h = host(s, "h1", "10.0.0.1");
      const cluster = new RocketMqCluster(s, "rmq", { clusterName: "DefaultCluster", version: RocketMqVersion.V5_3_3 });
      new NameServer(cluster, "ns", { host: h });
      new BrokerPair(cluster, "broker-a", { master: { host: host(s, "h2", "10.0.0.2") } });
      new Proxy(cluster, "proxy", { host: h });
    });
    expect(warnings).toEqual([]);
    const proxy = containers(json)["defaultcluster-proxy-proxy"];
    expect(proxy.upload).toHaveLength(1);
    const generated = stringValues(JSON.parse(proxy.upload[0].content));
    expectSameEffectiveSettings("5.3.3", "proxy", "rmq-proxy.json", generated, [
      allowed("localServeAddr", "10.0.0.1", ""),
      allowed("namesrvAddr", "10.0.0.1:9876"),
      allowed("remotingAccessAddr", "10.0.0.1", ""),
    ]);
  });
});

describe("coverage of the official examples", () => {
  /**
   * 5.3.3 container/2container-2m-2s is out of scope: it is the BrokerContainer (several brokers in one JVM,
   * `mqbroker` started with a container file whose `brokerConfigPaths` lists the brokers' files, all sharing the
   * container's listenPort 10811 for their own). The library runs one broker per Docker container and has no
   * BrokerContainer construct; `brokerConfigPaths` belongs to BrokerContainerConfig, not to the broker catalogue.
   */
  const OUT_OF_SCOPE = /^5\.3\.3\/container\//;

  test("5.3.3 container/ (BrokerContainer) is out of scope: brokerConfigPaths is not a broker key, the library has no BrokerContainer", () => {
    const files = exampleFiles("5.3.3").filter((f) => f.startsWith("container/"));
    expect(files).toEqual(
      expect.arrayContaining([
        "container/2container-2m-2s/broker-container1.conf",
        "container/2container-2m-2s/broker-a-in-container1.conf",
      ]),
    );
    expect(
      readExample("5.3.3", "container/2container-2m-2s/broker-container1.conf", "broker").brokerConfigPaths,
    ).toContain("broker-a-in-container1.conf");
    expect(keySpec(catalogueFor("5.3.3"), "broker", "brokerConfigPaths")).toBeUndefined();
    expect(Object.keys(library)).not.toContain("BrokerContainer");
  });

  test.each(VERSIONS)("%s: every official example file is compared above or documented as out of scope", (version) => {
    const missing = exampleFiles(version)
      .map((f) => `${version}/${f}`)
      .filter((f) => !covered.has(f) && !OUT_OF_SCOPE.test(f));
    expect(missing).toEqual([]);
  });

  test("the 4.x example sets are the classic four plus dledger; 5.3.3 adds controller, container and rmq-proxy.json", () => {
    const sets = (v: string) => [...new Set(exampleFiles(v).map((f) => f.split("/")[0]))].sort();
    expect(sets("4.7.0")).toEqual(["2m-2s-async", "2m-2s-sync", "2m-noslave", "broker.conf", "dledger"]);
    expect(sets("4.9.8")).toEqual(sets("4.7.0"));
    expect(sets("5.3.3")).toEqual([...sets("4.7.0"), "container", "controller", "rmq-proxy.json"].sort());
  });
});
