/**
 * Malformed programs, as a new user writes them from the README (issue #13): each must fail at synth with exactly the
 * errors listed (rule and construct path: one actionable error per mistake), or be accepted for the reason given.
 * Every case is also synthesized without validation, to prove that nothing throws from inside the library or cdktf.
 * Grouped by the classes.
 */
import { container } from "@cdktf/provider-docker";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  Dashboard,
  DLedgerGroup,
  DockerHost,
  DockerNetworkMode,
  NameServer,
  Proxy,
  RocketMqCluster,
  RocketMqVersion,
} from "../lib";

interface Env {
  readonly s: TerraformStack;
  readonly h: DockerHost[];
  readonly cluster: RocketMqCluster;
  readonly ns: NameServer;
}

interface Diagnosis {
  readonly errors: string[];
  readonly warnings: string[];
  readonly messages: string[];
}

/** `path [rule]` of every error and warning of a stack built on 3 hosts (10.0.0.1-3) and a cluster with a name server on h1. */
function diagnose(
  build: (env: Env) => void,
  clusterProps: ConstructorParameters<typeof RocketMqCluster>[2] = {},
): Diagnosis {
  const s = new TerraformStack(Testing.app(), "stack");
  const h = [1, 2, 3].map(
    (n) => new DockerHost(s, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `ssh://ops@10.0.0.${n}` }),
  );
  const cluster = new RocketMqCluster(s, "rmq", clusterProps);
  const ns = new NameServer(cluster, "ns", { host: h[0] });
  build({ s, h, cluster, ns });
  const errors: string[] = [];
  const messages: string[] = [];
  for (const c of s.node.findAll()) {
    for (const m of c.node.validate()) {
      errors.push(`${c.node.path} ${/^\[[^\]]+\]/.exec(m)?.[0] ?? m}`);
      messages.push(`${c.node.path} ${m}`);
    }
  }
  const warnings = s.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === "@cdktf/warn")
        .map((m) => `${c.node.path} ${/^\[[^\]]+\]/.exec(String(m.data))?.[0]}`),
    );
  // Whatever was refused, producing the Terraform JSON must not throw.
  Testing.synth(s);
  return { errors: errors.sort(), warnings: warnings.sort(), messages };
}

type Expect = { errors: string[]; warnings?: string[]; says?: string[] } | { accepted: string; warnings?: string[] };
interface Case {
  readonly name: string;
  readonly build: (env: Env) => void;
  readonly expect: Expect;
  readonly version?: string;
  /** Props of the cluster the case builds on (besides version). */
  readonly cluster?: ConstructorParameters<typeof RocketMqCluster>[2];
}

const v5 = "5.5.0";
/** Controllers in 3 name servers, one per host. */
const controllers = (env: Env) =>
  new ControllerGroup(env.cluster, "controllers", {
    inNameServers: [
      env.ns,
      new NameServer(env.cluster, "ns2", { host: env.h[1] }),
      new NameServer(env.cluster, "ns3", { host: env.h[2] }),
    ].map((nameServer) => ({ nameServer })),
  });
const pair = (env: Env, props: Partial<ConstructorParameters<typeof BrokerPair>[2]> = {}) =>
  new BrokerPair(env.cluster, "a", { master: { host: env.h[1] }, ...props });
const dledger = (env: Env, props: Partial<ConstructorParameters<typeof DLedgerGroup>[2]> = {}) =>
  new DLedgerGroup(env.cluster, "c", { peers: env.h.map((host) => ({ host })), ...props });
const variable = (env: Env, name: string, type: string) => new TerraformVariable(env.s, name, { type });
const long = (n: number) => "a".repeat(n);

const GROUPS: Record<string, Case[]> = {
  "nothing accepted that loses data or silently changes meaning": [
    {
      name: "storePathDLedgerCommitLog outside the store",
      build: (e) => dledger(e, { properties: { storePathDLedgerCommitLog: "/data/dledger" } }),
      expect: { errors: ["stack/rmq/c [stores/key-path]"], says: ["mounted at /home/rocketmq/store"] },
    },
    {
      name: "storePathEpochFile outside the store (5.x)",
      version: v5,
      build: (e) => (
        controllers(e),
        new ControllerBrokerSet(e.cluster, "a", {
          brokers: [{ host: e.h[1] }, { host: e.h[2] }],
          properties: { storePathEpochFile: "/tmp/epoch" },
        })
      ),
      expect: { errors: ["stack/rmq/a [stores/key-path]"] },
    },
    {
      name: "storePathBrokerIdentity relative (5.x)",
      version: v5,
      build: (e) => (
        controllers(e),
        new ControllerBrokerSet(e.cluster, "a", {
          brokers: [{ host: e.h[1], properties: { storePathBrokerIdentity: "identity" } }, { host: e.h[2] }],
        })
      ),
      expect: { errors: ["stack/rmq/a/r0 [stores/key-path]"], says: ["relative"] },
    },
    {
      name: "storePathEpochFile on the store",
      version: v5,
      build: (e) => (
        controllers(e),
        new ControllerBrokerSet(e.cluster, "a", {
          brokers: [{ host: e.h[1] }, { host: e.h[2] }],
          properties: { storePathEpochFile: "/home/rocketmq/store/epoch" },
        })
      ),
      expect: { accepted: "a file below the store's mount" },
    },
    {
      name: "readOnlyCommitLogStorePaths, one of two off the store",
      build: (e) => pair(e, { properties: { readOnlyCommitLogStorePaths: "/home/rocketmq/store/ro,/data/ro" } }),
      expect: { errors: ["stack/rmq/a [stores/key-path]"] },
    },
    {
      name: "brokerConfigPath in /etc (5.x)",
      version: v5,
      build: (e) => pair(e, { properties: { brokerConfigPath: "/etc/broker.conf" } }),
      expect: { errors: ["stack/rmq/a [stores/key-path]"] },
    },
    {
      name: "authConfigPath on a 5.x broker is overwritten at startup",
      version: v5,
      build: (e) => pair(e, { properties: { authConfigPath: "/home/rocketmq/store/auth" } }),
      expect: { errors: ["stack/rmq/a [stores/key-path]"], says: ["ignores the value"] },
    },
    {
      name: "authConfigPath on a proxy, which has no store",
      version: v5,
      build: (e) => new Proxy(e.cluster, "p", { host: e.h[1], properties: { authConfigPath: "/home/rocketmq/auth" } }),
      expect: { errors: ["stack/rmq/p [stores/key-path]"] },
    },
    {
      name: "a standalone controller's configStorePath in /tmp",
      version: v5,
      build: (e) =>
        new ControllerGroup(e.cluster, "g", {
          controllers: [{ host: e.h[1], properties: { configStorePath: "/tmp/c.properties" } }],
        }),
      expect: { errors: ["stack/rmq/g/n0 [stores/key-path]"], warnings: ["stack/rmq/g [controller/quorum]"] },
    },
    {
      name: "tieredStoreFilepath (5.1.0's spelling) off the store",
      version: "5.1.0",
      build: (e) =>
        pair(e, {
          properties: {
            messageStorePlugIn: "org.apache.rocketmq.tieredstore.TieredMessageStore",
            tieredStoreFilepath: "/data/tiered",
          },
        }),
      expect: { errors: ["stack/rmq/a [stores/key-path]"] },
    },
    {
      name: "tieredStoreFilePath off the store (5.x)",
      version: v5,
      build: (e) =>
        pair(e, {
          properties: {
            messageStorePlugIn: "org.apache.rocketmq.tieredstore.TieredMessageStore",
            tieredStoreFilePath: "/data/tiered",
          },
        }),
      expect: { errors: ["stack/rmq/a [stores/key-path]"] },
    },
    {
      name: "a cluster-wide path key is one error on the cluster",
      version: v5,
      cluster: { brokerProperties: { storePathEpochFile: "/data/epoch" } },
      build: (e) => (
        controllers(e),
        ["a", "b"].forEach(
          (n, i) =>
            new ControllerBrokerSet(e.cluster, n, {
              brokers: [
                { host: e.h[1], listenPort: 10911 + 10 * i },
                { host: e.h[2], listenPort: 10911 + 10 * i },
              ],
            }),
        )
      ),
      expect: { errors: ["stack/rmq [stores/key-path]"] },
    },
    {
      name: "storePathIndex is not a key",
      build: (e) => pair(e, { properties: { storePathIndex: "/data/index" } }),
      expect: { errors: ["stack/rmq/a [keys/not-a-key]"] },
    },
    {
      name: "kvConfigPath on a name server is the construct's",
      build: (e) => new NameServer(e.cluster, "ns2", { host: e.h[1], properties: { kvConfigPath: "/tmp/kv.json" } }),
      expect: { errors: ["stack/rmq/ns2 [keys/owned]"] },
    },
    {
      name: "store.volume empty",
      build: (e) => pair(e, { master: { host: e.h[1], store: { volume: "" } } }),
      expect: { errors: ["stack/rmq/a/master [names/volume]"], says: ["anonymous volume"] },
    },
    {
      name: "store.hostPath empty",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"] },
    },
    {
      name: "store.hostPath relative",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "data/rmq" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"] },
    },
    {
      name: "store.hostPath /",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"] },
    },
    {
      name: "store.hostPath a system directory",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/etc" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"] },
    },
    {
      name: "store.hostPath /etc/cron.d",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/etc/cron.d" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["inside the system directory /etc"] },
    },
    {
      name: "store.hostPath /usr/local/bin",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/usr/local/bin" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["inside the system directory /usr"] },
    },
    {
      name: "store.hostPath /etc/systemd/system",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/etc/systemd/system" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["inside the system directory /etc"] },
    },
    {
      name: "store.hostPath /var/lib/docker/volumes/x",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/var/lib/docker/volumes/x" } } }),
      expect: {
        errors: ["stack/rmq/a/master [stores/host-path]"],
        says: ["inside the system directory /var/lib/docker"],
      },
    },
    {
      name: "store.hostPath /var/lib/containerd",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/var/lib/containerd" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["the system directory /var/lib/containerd"] },
    },
    {
      name: "store.hostPath /root/rmq",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/root/rmq" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["inside the system directory /root"] },
    },
    {
      name: "store.hostPath /mnt",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/mnt" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["the shared directory /mnt"] },
    },
    {
      name: "store.hostPath /rocketmq",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/rocketmq" } } }),
      expect: { errors: ["stack/rmq/a/master [stores/host-path]"], says: ["a top-level directory of the machine"] },
    },
    {
      name: "store.hostPath on a data disk below a shared root",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/mnt/disk1/rocketmq" } } }),
      expect: { accepted: "a directory of its own below /mnt" },
    },
    {
      name: "a newline in containerName",
      build: (e) => pair(e, { master: { host: e.h[1], containerName: "rmq-a\nUser=root" } }),
      expect: {
        errors: ["stack/rmq/a/master [props/control-character]"],
        says: ["a newline (U+000A) at position 6 of 15"],
      },
    },
    {
      name: "a newline in an extra property's value",
      build: (e) => pair(e, { master: { host: e.h[1], properties: { deleteWhen: "04\nbrokerRole=SLAVE" } } }),
      expect: {
        errors: ["stack/rmq/a/master [props/control-character]"],
        says: ["properties.deleteWhen contains a newline"],
      },
    },
    {
      name: "a NUL in store.hostPath",
      build: (e) => pair(e, { master: { host: e.h[1], store: { hostPath: "/data/a\u0000b" } } }),
      expect: { errors: ["stack/rmq/a/master [props/control-character]"], says: ["store.hostPath contains a NUL"] },
    },
    {
      name: "a carriage return in the cluster's brokerName",
      build: (e) => pair(e, { brokerName: "a\rb", master: { host: e.h[1] } }),
      expect: { errors: ["stack/rmq/a [props/control-character]"] },
    },
    {
      name: "/data//a beside /data/a",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], store: { hostPath: "/data/a" } },
          slaves: [{ host: e.h[1], store: { hostPath: "/data//a" } }],
        }),
      expect: { errors: ["stack/rmq/a/slave-1 [stores/shared]"], warnings: ["stack/rmq/a [placement/same-host]"] },
    },
    {
      name: "/data/./a beside /data/a",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], store: { hostPath: "/data/a" } },
          slaves: [{ host: e.h[1], store: { hostPath: "/data/./a" } }],
        }),
      expect: { errors: ["stack/rmq/a/slave-1 [stores/shared]"], warnings: ["stack/rmq/a [placement/same-host]"] },
    },
    {
      name: "/data/b/../a beside /data/a",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], store: { hostPath: "/data/a" } },
          slaves: [{ host: e.h[1], store: { hostPath: "/data/b/../a" } }],
        }),
      expect: { errors: ["stack/rmq/a/slave-1 [stores/shared]"], warnings: ["stack/rmq/a [placement/same-host]"] },
    },
    {
      name: "/ beside anything is one error, not a share with everything",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], store: { hostPath: "/data/a" } },
          slaves: [{ host: e.h[1], store: { hostPath: "/" } }],
        }),
      expect: { errors: ["stack/rmq/a/slave-1 [stores/host-path]"], warnings: ["stack/rmq/a [placement/same-host]"] },
    },
    {
      name: "/data/a and /data/b on one host",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], store: { hostPath: "/data/a" } },
          slaves: [{ host: e.h[1], store: { hostPath: "/data/b/" } }],
        }),
      expect: { accepted: "two directories of their own", warnings: ["stack/rmq/a [placement/same-host]"] },
    },
    {
      name: 'replication "sync" with a slave',
      build: (e) => pair(e, { replication: "sync" as any, slaves: [{ host: e.h[2] }] }),
      expect: {
        errors: ["stack/rmq/a [props/value]"],
        says: [
          'Did you mean "SYNC"?',
          'Replication.SYNC ("SYNC"), Replication.ASYNC ("ASYNC")',
          'Write replication: Replication.SYNC (in JavaScript or JSON: "SYNC")',
        ],
      },
    },
    {
      name: 'replication "sync" without a slave: what was meant is checked too',
      build: (e) => pair(e, { replication: "sync" as any }),
      expect: { errors: ["stack/rmq/a [ids/sync-needs-slave]", "stack/rmq/a [props/value]"] },
    },
    {
      name: 'flushDiskType "sync_flush"',
      build: (e) => pair(e, { master: { host: e.h[1], flushDiskType: "sync_flush" as any } }),
      expect: {
        errors: ["stack/rmq/a/master [props/value]"],
        says: ['FlushDiskType.SYNC_FLUSH ("SYNC_FLUSH"), FlushDiskType.ASYNC_FLUSH ("ASYNC_FLUSH")'],
      },
    },
    {
      name: 'networkMode "HOST"',
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", networkMode: "HOST" as any }),
      expect: { errors: ["stack/h9 [props/value]"] },
    },
    {
      name: 'allAckInSyncStateSet "true"',
      version: v5,
      build: (e) => (
        controllers(e),
        new ControllerBrokerSet(e.cluster, "a", {
          brokers: [{ host: e.h[1] }, { host: e.h[2] }],
          allAckInSyncStateSet: "false" as any,
        })
      ),
      expect: { errors: ["stack/rmq/a [props/type]"] },
    },
    {
      name: 'allowStoreDestroy "yes"',
      build: (e) => new RocketMqCluster(e.s, "rmq2", { allowStoreDestroy: "yes" as any }),
      expect: { errors: ["stack/rmq2 [ids/no-namesrv]", "stack/rmq2 [props/type]"] },
    },
    {
      name: "store.allowDestroy 1",
      build: (e) => pair(e, { master: { host: e.h[1], store: { allowDestroy: 1 as any } } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"] },
    },
    {
      name: "a heap larger than a JVM can reserve",
      build: (e) => pair(e, { master: { host: e.h[1], jvm: { heapMb: 1e12 } } }),
      expect: { errors: ["stack/rmq/a/master [jvm/size]"] },
    },
    {
      name: "a memory limit in the terabytes warns with the figure",
      build: (e) => pair(e, { master: { host: e.h[1], jvm: { heapMb: 2 * 1024 * 1024 } } }),
      expect: {
        accepted: "a JVM can reserve it; the machine may not have it",
        warnings: ["stack/rmq/a/master [jvm/large]"],
      },
    },
    {
      name: "a cluster-wide heap below 128 MiB is one error on the cluster",
      cluster: { brokerJvm: { heapMb: 64 } },
      build: (e) => (
        pair(e, { slaves: [{ host: e.h[2] }] }),
        new DLedgerGroup(e.cluster, "c", { peers: e.h.map((host) => ({ host, listenPort: 20911 })) })
      ),
      expect: { errors: ["stack/rmq [jvm/size]"] },
    },
    {
      name: "heapMb 512.5",
      build: (e) => pair(e, { master: { host: e.h[1], jvm: { heapMb: 512.5 } } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"], says: ["not a whole number"] },
    },
  ],

  "never hang, never crash from deep inside": [
    {
      name: "listenPort -1e17 ends with an error",
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: -1e17 } }),
      expect: { errors: ["stack/rmq/a/master [ports/range]"] },
    },
    {
      name: "listenPort 65535: the fix does not suggest what it has",
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: 65535 } }),
      expect: { errors: ["stack/rmq/a/master [ports/range]"], says: ["between 3 and 65534", "e.g. listenPort: 65534"] },
    },
    {
      name: "listenPort a Terraform variable",
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: variable(e, "port", "number").numberValue } }),
      expect: { errors: ["stack/rmq/a/master [props/token]"], says: ["must be a literal value"] },
    },
    {
      name: "dLegerPort a variable",
      build: (e) =>
        dledger(e, {
          peers: e.h.map((host, i) => ({
            host,
            dLegerPort: i === 0 ? variable(e, "p", "number").numberValue : undefined,
          })),
        }),
      expect: { errors: ["stack/rmq/c/n0 [props/token]"] },
    },
    {
      name: "heapMb a variable",
      build: (e) => pair(e, { master: { host: e.h[1], jvm: { heapMb: variable(e, "heap", "number").numberValue } } }),
      expect: { errors: ["stack/rmq/a/master [props/token]"] },
    },
    {
      name: "brokerId a variable",
      build: (e) => pair(e, { slaves: [{ host: e.h[2], brokerId: variable(e, "id", "number").numberValue }] }),
      expect: { errors: ["stack/rmq/a/slave-1 [props/token]"] },
    },
    {
      name: "clusterName a variable",
      build: (e) =>
        new NameServer(
          new RocketMqCluster(e.s, "rmq2", { clusterName: variable(e, "cn", "string").stringValue }),
          "ns",
          { host: e.h[1] },
        ),
      expect: { errors: ["stack/rmq2 [props/token]"] },
    },
    {
      name: "brokerName a variable",
      build: (e) => pair(e, { brokerName: variable(e, "bn", "string").stringValue }),
      expect: { errors: ["stack/rmq/a [props/token]"] },
    },
    {
      name: "containerName a variable",
      build: (e) => pair(e, { master: { host: e.h[1], containerName: variable(e, "cn", "string").stringValue } }),
      expect: { errors: ["stack/rmq/a/master [props/token]"] },
    },
    {
      name: "selfId a variable",
      build: (e) =>
        dledger(e, {
          peers: e.h.map((host, i) => ({
            host,
            selfId: i === 1 ? variable(e, "id", "string").stringValue : undefined,
          })),
        }),
      expect: { errors: ["stack/rmq/c/n1 [props/token]"] },
    },
    {
      name: "store.volume a variable",
      build: (e) => pair(e, { master: { host: e.h[1], store: { volume: variable(e, "v", "string").stringValue } } }),
      expect: { errors: ["stack/rmq/a/master [props/token]"] },
    },
    {
      name: "version a variable",
      build: (e) =>
        new NameServer(
          new RocketMqCluster(e.s, "rmq2", {
            version: variable(e, "v", "string").stringValue as unknown as RocketMqVersion,
          }),
          "ns",
          {
            host: e.h[1],
            listenPort: 9877,
          },
        ),
      expect: { errors: ["stack/rmq2 [props/token]"] },
    },
    {
      name: "alias a variable",
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", alias: variable(e, "a", "string").stringValue }),
      expect: { errors: ["stack/h9 [props/token]"] },
    },
    {
      name: "address a variable flows through, with the checks it skips",
      build: (e) =>
        new BrokerPair(e.cluster, "a", {
          master: { host: new DockerHost(e.s, "h9", { address: variable(e, "addr", "string").stringValue }) },
        }),
      expect: { accepted: "the address is only written into the files", warnings: ["stack/h9 [props/unresolved]"] },
    },
    {
      name: "dockerHost a variable flows through",
      build: (e) =>
        new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: variable(e, "dh", "string").stringValue }),
      expect: { accepted: "the provider takes it as Terraform resolves it", warnings: ["stack/h9 [props/unresolved]"] },
    },
    {
      name: "image a variable flows through",
      build: (e) =>
        new NameServer(new RocketMqCluster(e.s, "rmq2", { image: variable(e, "img", "string").stringValue }), "ns", {
          host: e.h[1],
        }),
      expect: {
        accepted: "the image is only written into the containers",
        warnings: ["stack/rmq2 [props/unresolved]"],
      },
    },
    {
      name: "a property value a variable flows through",
      build: (e) => pair(e, { properties: { fileReservedTime: variable(e, "days", "number").numberValue } }),
      expect: { accepted: "only the key is checked", warnings: ["stack/rmq/a [props/unresolved]"] },
    },
    {
      name: 'listenPort "10911"',
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: "10911" as any } }),
      expect: {
        errors: ["stack/rmq/a/master [props/type]"],
        says: ["Write listenPort: 10911 (a number, without quotes)"],
      },
    },
    {
      name: "listenPort 10911.5",
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: 10911.5 } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"], says: ["not a whole number"] },
    },
    {
      name: "listenPort NaN",
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: NaN } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"] },
    },
    {
      name: "listenPort Infinity",
      build: (e) => pair(e, { master: { host: e.h[1], listenPort: Infinity } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"] },
    },
    {
      name: "haListenPort a string (5.x)",
      version: v5,
      build: (e) => pair(e, { master: { host: e.h[1], haListenPort: "10912" as any } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"] },
    },
    {
      name: "slaves not an array",
      build: (e) => pair(e, { slaves: { host: e.h[2] } as any }),
      expect: { errors: ["stack/rmq/a [props/type]"] },
    },
    {
      name: "a slave that is a number",
      build: (e) => pair(e, { slaves: [5] as any }),
      expect: { errors: ["stack/rmq/a/slave-1 [props/type]"] },
    },
    {
      name: "no master",
      build: (e) => new BrokerPair(e.cluster, "a", { slaves: [{ host: e.h[2] }] } as any),
      expect: { errors: ["stack/rmq/a [props/required]"] },
    },
    {
      name: "no props at all",
      build: (e) => new BrokerPair(e.cluster, "a", undefined as any),
      expect: { errors: ["stack/rmq/a [props/required]"] },
    },
    {
      name: "a name server without a host",
      build: (e) => new NameServer(e.cluster, "ns2", {} as any),
      expect: { errors: ["stack/rmq/ns2 [props/required]"] },
    },
    {
      name: "a host that is a plain object",
      build: (e) => new NameServer(e.cluster, "ns2", { host: { address: "10.0.0.1" } as any }),
      expect: { errors: ["stack/rmq/ns2 [props/type]"], says: ["not a DockerHost"] },
    },
    {
      name: "a DockerHost without props",
      build: (e) => new DockerHost(e.s, "h9", undefined as any),
      expect: { errors: ["stack/h9 [props/required]"] },
    },
    {
      name: "a DockerHost address that is a number",
      build: (e) => new DockerHost(e.s, "h9", { address: 10 as any }),
      expect: { errors: ["stack/h9 [props/type]"] },
    },
    {
      name: "DLedger peers not an array",
      build: (e) => new DLedgerGroup(e.cluster, "c", { peers: "h1,h2,h3" as any }),
      expect: { errors: ["stack/rmq/c [dledger/quorum]", "stack/rmq/c [props/type]"] },
    },
    {
      name: "DLedger without peers",
      build: (e) => new DLedgerGroup(e.cluster, "c", {} as any),
      expect: { errors: ["stack/rmq/c [dledger/quorum]", "stack/rmq/c [props/required]"] },
    },
    {
      name: "ControllerBrokerSet without brokers",
      version: v5,
      build: (e) => (controllers(e), new ControllerBrokerSet(e.cluster, "a", {} as any)),
      expect: { errors: ["stack/rmq/a [controller/replicas]", "stack/rmq/a [props/required]"] },
    },
    {
      name: "inNameServers naming a string",
      version: v5,
      build: (e) => new ControllerGroup(e.cluster, "g", { inNameServers: [{ nameServer: "ns" as any }] }),
      expect: { errors: ["stack/rmq/g [controller/quorum]", "stack/rmq/g [props/type]"] },
    },
    {
      name: "jvm a string",
      build: (e) => pair(e, { master: { host: e.h[1], jvm: "big" as any } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"] },
    },
    {
      name: "store a string",
      build: (e) => pair(e, { master: { host: e.h[1], store: "vol" as any } }),
      expect: { errors: ["stack/rmq/a/master [props/type]"] },
    },
    {
      name: "properties a string",
      build: (e) => pair(e, { properties: "deleteWhen=04" as any }),
      expect: { errors: ["stack/rmq/a [props/type]"] },
    },
    {
      name: "a misspelt prop (listenport)",
      build: (e) => pair(e, { master: { host: e.h[1], listenport: 11911 } as any }),
      expect: { errors: ["stack/rmq/a/master [props/unknown]"], says: ["Did you mean listenPort?"] },
    },
    {
      name: "a property value that is an object",
      build: (e) => new BrokerPair(e.cluster, "a", { master: { host: e.h[1] }, properties: { deleteWhen: {} as any } }),
      expect: { errors: ["stack/rmq/a [keys/bad-value]"] },
    },
    {
      name: "a dashboard's listenPort as a string",
      build: (e) => new Dashboard(e.cluster, "console", { host: e.h[1], listenPort: "8082" as any }),
      expect: { errors: ["stack/rmq/console [props/type]"] },
    },
    {
      name: "a dashboard without a host",
      build: (e) => new Dashboard(e.cluster, "console", {} as any),
      expect: { errors: ["stack/rmq/console [props/required]"] },
    },
    {
      name: "a dashboard heapMb a variable",
      build: (e) =>
        new Dashboard(e.cluster, "console", { host: e.h[1], heapMb: variable(e, "heap", "number").numberValue }),
      expect: { errors: ["stack/rmq/console [props/token]"] },
    },
    {
      name: "an object where a cluster's props go",
      build: (e) => new RocketMqCluster(e.s, "rmq2", "Prod" as any),
      expect: { errors: ["stack/rmq2 [ids/no-namesrv]", "stack/rmq2 [props/type]"] },
    },
  ],

  "names and hosts that Docker, the file system or Terraform would refuse": [
    {
      name: 'containerName "-bad"',
      build: (e) => pair(e, { master: { host: e.h[1], containerName: "-bad" } }),
      expect: { errors: ["stack/rmq/a/master [names/container]"] },
    },
    {
      name: 'containerName "a"',
      build: (e) => pair(e, { master: { host: e.h[1], containerName: "a" } }),
      expect: { errors: ["stack/rmq/a/master [names/container]"] },
    },
    {
      name: 'containerName "rmq broker"',
      build: (e) => pair(e, { master: { host: e.h[1], containerName: "rmq broker" } }),
      expect: { errors: ["stack/rmq/a/master [names/container]"] },
    },
    {
      name: 'store.volume "my volume"',
      build: (e) => pair(e, { master: { host: e.h[1], store: { volume: "my volume" } } }),
      expect: { errors: ["stack/rmq/a/master [names/volume]"] },
    },
    {
      name: "store.volume of 300 characters",
      build: (e) => pair(e, { master: { host: e.h[1], store: { volume: long(300) } } }),
      expect: { errors: ["stack/rmq/a/master [names/volume]"] },
    },
    {
      name: "a 300-character clusterName is one error on the cluster",
      build: (e) =>
        new NameServer(new RocketMqCluster(e.s, "rmq2", { clusterName: long(300) }), "ns", { host: e.h[1] }),
      expect: { errors: ["stack/rmq2 [names/volume]"], says: ["at most"] },
    },
    {
      name: "a 300-character brokerName is one error on the set",
      build: (e) => pair(e, { brokerName: long(300), slaves: [{ host: e.h[2] }] }),
      expect: { errors: ["stack/rmq/a [names/volume]"] },
    },
    {
      name: "a containerName of 252 characters makes the default volume too long",
      build: (e) => pair(e, { master: { host: e.h[1], containerName: long(252) } }),
      expect: { errors: ["stack/rmq/a/master [names/volume]"] },
    },
    {
      name: 'alias "1h"',
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", alias: "1h" }),
      expect: { errors: ["stack/h9 [hosts/alias]"] },
    },
    {
      name: 'alias "my host"',
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", alias: "my host" }),
      expect: { errors: ["stack/h9 [hosts/alias]"] },
    },
    {
      name: "a construct id that is no Terraform name, as the default alias",
      build: (e) => new DockerHost(e.s, "28", { address: "10.0.0.9" }),
      expect: { errors: ["stack/28 [hosts/alias]"] },
    },
    {
      name: 'address "300.1.1.1"',
      build: (e) => new DockerHost(e.s, "h9", { address: "300.1.1.1" }),
      expect: { errors: ["stack/h9 [hosts/address]"] },
    },
    {
      name: 'address ""',
      build: (e) => new DockerHost(e.s, "h9", { address: "" }),
      expect: { errors: ["stack/h9 [hosts/address]"] },
    },
    {
      name: 'address "10.0.0.1:22"',
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.1:22" }),
      expect: { errors: ["stack/h9 [hosts/address]"], says: ["includes a port"] },
    },
    {
      name: 'address "http://10.0.0.9"',
      build: (e) => new DockerHost(e.s, "h9", { address: "http://10.0.0.9" }),
      expect: { errors: ["stack/h9 [hosts/address]"] },
    },
    {
      name: 'address "-rmq-.example.com"',
      build: (e) => new DockerHost(e.s, "h9", { address: "-rmq-.example.com" }),
      expect: { errors: ["stack/h9 [hosts/address]"] },
    },
    {
      name: "address an IPv6 address",
      build: (e) =>
        new BrokerPair(e.cluster, "a", { master: { host: new DockerHost(e.s, "h9", { address: "2001:db8::9" }) } }),
      expect: { accepted: "RocketMQ reads host:port at the last ':'" },
    },
    {
      name: "address a DNS name",
      build: (e) =>
        new BrokerPair(e.cluster, "a", {
          master: { host: new DockerHost(e.s, "h9", { address: "rmq-9.example.com" }) },
        }),
      expect: { accepted: "a DNS name" },
    },
    {
      name: "an IPv6 peer of a DLedger group",
      build: (e) =>
        dledger(e, {
          peers: [
            { host: e.h[0], listenPort: 20911 },
            { host: e.h[1] },
            { host: new DockerHost(e.s, "h9", { address: "2001:db8::9" }) },
          ],
        }),
      expect: { errors: ["stack/rmq/c/n2 [dledger/ipv6]"] },
    },
    {
      name: 'dockerHost "ftp://10.0.0.9"',
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "ftp://10.0.0.9" }),
      expect: { errors: ["stack/h9 [hosts/docker-host]"] },
    },
    {
      name: "dockerHost with a password",
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "ssh://ops:secret@10.0.0.9" }),
      expect: { errors: ["stack/h9 [hosts/docker-host]"] },
    },
    {
      name: "dockerHost ssh with a socket path",
      build: (e) =>
        new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "ssh://ops@10.0.0.9/var/run/docker.sock" }),
      expect: { errors: ["stack/h9 [hosts/docker-host]"] },
    },
    {
      name: "dockerHost without a scheme",
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "10.0.0.9" }),
      expect: { errors: ["stack/h9 [hosts/docker-host]"] },
    },
    {
      name: "dockerHost tcp://host:2376",
      build: (e) => new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "tcp://10.0.0.9:2376" }),
      expect: { accepted: "a scheme the provider supports" },
    },
    {
      name: 'a dashboard image ""',
      build: (e) => new Dashboard(e.cluster, "console", { host: e.h[1], image: "" }),
      expect: { errors: ["stack/rmq/console [names/image]"] },
    },
    {
      name: 'a dashboard containerName "-x"',
      build: (e) => new Dashboard(e.cluster, "console", { host: e.h[1], containerName: "-x" }),
      expect: { errors: ["stack/rmq/console [names/container]"] },
    },
    {
      name: 'image ""',
      build: (e) => new NameServer(new RocketMqCluster(e.s, "rmq2", { image: "" }), "ns", { host: e.h[1] }),
      expect: { errors: ["stack/rmq2 [names/image]"] },
    },
    {
      name: "image with upper case",
      build: (e) =>
        new NameServer(new RocketMqCluster(e.s, "rmq2", { image: "apache/RocketMQ:4.9.8" }), "ns", { host: e.h[1] }),
      expect: { errors: ["stack/rmq2 [names/image]"], says: ["lower case"] },
    },
    {
      name: "image with a trailing blank",
      build: (e) =>
        new NameServer(new RocketMqCluster(e.s, "rmq2", { image: "apache/rocketmq:4.9.8 " }), "ns", { host: e.h[1] }),
      expect: { errors: ["stack/rmq2 [names/image]"] },
    },
    {
      name: "image from a registry with a port",
      build: (e) =>
        new NameServer(new RocketMqCluster(e.s, "rmq2", { image: "registry.local:5000/mq/rocketmq:5.5.0" }), "ns", {
          host: e.h[1],
        }),
      expect: { accepted: "a valid reference" },
    },
    {
      name: "two DockerHosts on one engine are one machine: ports",
      build: (e) => (
        pair(e),
        new BrokerPair(e.cluster, "b", {
          master: { host: new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "ssh://ops@10.0.0.2" }) },
        })
      ),
      expect: { errors: ["stack/rmq/b/master [ports/collision]"] },
    },
    {
      name: "two DockerHosts at different addresses without dockerHost (both go to the engine cdktf deploy reaches)",
      build: (e) =>
        [8, 9].map(
          (n) =>
            new NameServer(e.cluster, `ns${n}`, { host: new DockerHost(e.s, `h${n}`, { address: `10.0.0.${n}` }) }),
        ),
      expect: {
        accepted: "it deploys, to one engine: a warning says so once, on the first host",
        warnings: ["stack/h8 [hosts/default-engine]"],
      },
    },
    {
      name: "two DockerHosts on one engine are one machine: container names",
      build: (e) => (
        pair(e, { master: { host: e.h[1], containerName: "rmq-a" } }),
        new BrokerPair(e.cluster, "b", {
          master: {
            host: new DockerHost(e.s, "h9", { address: "10.0.0.9", dockerHost: "tcp://10.0.0.2:2376" }),
            listenPort: 20911,
            containerName: "rmq-a",
          },
        })
      ),
      expect: { errors: ["stack/rmq/b/master [stores/container-name]"] },
    },
    {
      name: "a user's container publishing 10911 on the host",
      build: (e) => (
        pair(e),
        new container.Container(e.s, "web", {
          provider: e.h[1].provider,
          name: "web",
          image: "nginx",
          ports: [{ internal: 80, external: 10911 }],
        })
      ),
      expect: { errors: ["stack/rmq/a/master [ports/collision]"], says: ["docker_container web"] },
    },
    {
      name: "a user's container with a name the library uses",
      build: (e) =>
        new container.Container(e.s, "web", {
          provider: e.h[0].provider,
          name: "defaultcluster-namesrv-ns",
          image: "nginx",
        }),
      expect: { errors: ["stack/rmq/ns [stores/container-name]"] },
    },
    {
      name: "a user's container on another host",
      build: (e) => (
        pair(e),
        new container.Container(e.s, "web", {
          provider: e.h[2].provider,
          name: "web",
          image: "nginx",
          ports: [{ internal: 80, external: 10911 }],
        })
      ),
      expect: { accepted: "another machine's port" },
    },
    {
      name: "a host from another stack",
      build: (e) =>
        new NameServer(e.cluster, "ns2", {
          host: new DockerHost(new TerraformStack(e.s.node.scope as Construct, "other"), "h", { address: "10.0.0.9" }),
        }),
      expect: { errors: ["stack/rmq/ns2 [hosts/other-stack]"] },
    },
    {
      name: "a ControllerBrokerSet of no broker",
      version: v5,
      build: (e) => (controllers(e), new ControllerBrokerSet(e.cluster, "a", { brokers: [] })),
      expect: { errors: ["stack/rmq/a [controller/replicas]"] },
    },
    {
      name: "a ControllerBrokerSet of one broker",
      version: v5,
      build: (e) => (controllers(e), new ControllerBrokerSet(e.cluster, "a", { brokers: [{ host: e.h[1] }] })),
      expect: { accepted: "it runs, without failover", warnings: ["stack/rmq/a [controller/replicas]"] },
    },
    {
      name: "a ControllerBrokerSet of two brokers on 5.3.2",
      version: "5.3.2",
      build: (e) => (
        controllers(e),
        new ControllerBrokerSet(e.cluster, "a", { brokers: [{ host: e.h[1] }, { host: e.h[2] }] })
      ),
      expect: {
        accepted: "it fails over, but each replica's ReputMessageService spins on a core under traffic",
        warnings: ["stack/rmq/a [controller/reput-busy-loop]"],
      },
    },
    {
      name: "a ControllerBrokerSet of two brokers on 5.4.0 (the busy loop is gone)",
      version: "5.4.0",
      build: (e) => (
        controllers(e),
        new ControllerBrokerSet(e.cluster, "a", { brokers: [{ host: e.h[1] }, { host: e.h[2] }] })
      ),
      expect: { accepted: "it fails over" },
    },
    {
      name: 'dLegerGroup ""',
      build: (e) => dledger(e, { dLegerGroup: "" }),
      expect: { accepted: "DLedger compares groups only for equality", warnings: ["stack/rmq/c [dledger/group]"] },
    },
    {
      name: 'dLegerGroup "my group"',
      build: (e) => dledger(e, { dLegerGroup: "my group" }),
      expect: { accepted: "DLedger compares groups only for equality", warnings: ["stack/rmq/c [dledger/group]"] },
    },
    {
      name: 'controllerDLegerGroup " "',
      version: v5,
      build: (e) =>
        new ControllerGroup(e.cluster, "g", { controllerDLegerGroup: " ", inNameServers: [{ nameServer: e.ns }] }),
      expect: {
        accepted: "DLedger compares groups only for equality",
        warnings: ["stack/rmq/g [controller/group]", "stack/rmq/g [controller/quorum]"],
      },
    },
    {
      name: "a loopback address on the bridge network",
      build: (e) => new NameServer(e.cluster, "ns2", { host: new DockerHost(e.s, "h9", { address: "127.0.0.1" }) }),
      expect: { errors: ["stack/h9 [hosts/loopback]"] },
    },
    {
      name: "127.0.0.1 on the host network",
      build: (e) =>
        new NameServer(e.cluster, "ns2", {
          host: new DockerHost(e.s, "h9", { address: "127.0.0.1", networkMode: DockerNetworkMode.HOST }),
        }),
      expect: { accepted: "the machine's own loopback" },
    },
  ],

  "messages a user can act on": [
    {
      name: "a cluster-level property typo is one error on the cluster",
      cluster: { brokerProperties: { flushDiskTyp: "ASYNC_FLUSH" } },
      build: (e) => (
        pair(e, { slaves: [{ host: e.h[2] }] }),
        dledger(e, { peers: e.h.map((host) => ({ host, listenPort: 20911 })) })
      ),
      expect: { errors: ["stack/rmq [keys/unknown]"] },
    },
    {
      name: "one duplicated containerName on three processes is one error",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], containerName: "rmq" },
          slaves: [
            { host: e.h[1], containerName: "rmq", listenPort: 11911 },
            { host: e.h[1], containerName: "rmq", listenPort: 12911 },
          ],
        }),
      expect: {
        errors: ["stack/rmq/a/slave-2 [stores/container-name]"],
        warnings: ["stack/rmq/a [placement/same-host]"],
      },
    },
    {
      name: "the dLedgerPeers typo names the prop, not a key that is refused",
      build: (e) => dledger(e, { properties: { dLedgerPeers: "n0-a:1" } }),
      expect: { errors: ["stack/rmq/c [keys/unknown]"], says: ["set `DLedgerGroup peers` instead"] },
    },
    {
      name: "a shared store's fix names store",
      build: (e) =>
        pair(e, {
          master: { host: e.h[1], store: { volume: "rmq" } },
          slaves: [{ host: e.h[1], store: { volume: "rmq" } }],
        }),
      expect: {
        errors: ["stack/rmq/a/slave-1 [stores/shared]"],
        warnings: ["stack/rmq/a [placement/same-host]"],
        says: ['store: { volume: "defaultcluster-a-1-store" }'],
      },
    },
    {
      name: "a port collision's fix names listenPort with a free value",
      build: (e) => (pair(e), new BrokerPair(e.cluster, "b", { master: { host: e.h[1], listenPort: 10912 } })),
      expect: { errors: ["stack/rmq/b/master [ports/collision]"], says: ["e.g. listenPort: 11912"] },
    },
    {
      name: "a store shared across clusters names both clusters",
      build: (e) => (
        pair(e, { master: { host: e.h[1], store: { hostPath: "/data/rmq" } } }),
        new BrokerPair(new RocketMqCluster(e.s, "rmq2", { clusterName: "Other" }), "b", {
          master: { host: e.h[1], listenPort: 20911, store: { hostPath: "/data/rmq/config" } },
        })
      ),
      expect: {
        errors: ["stack/rmq2 [ids/no-namesrv]", "stack/rmq2/b/master [stores/shared]"],
        says: [
          'The store of b master of cluster Other is /data/rmq/config, the folder "config" of the store of a master of cluster DefaultCluster',
        ],
      },
    },
    {
      name: "a master and its slave on one host: the warning names the host to change",
      build: (e) => pair(e, { slaves: [{ host: e.h[1] }] }),
      expect: { accepted: "it runs, without surviving the host", warnings: ["stack/rmq/a [placement/same-host]"] },
    },
    {
      name: "two clusters of one name on one host: one error on the later cluster",
      build: (e) => new NameServer(new RocketMqCluster(e.s, "rmq2"), "ns", { host: e.h[0], listenPort: 9877 }),
      expect: { errors: ["stack/rmq2 [stores/container-name]"], says: ["both named DefaultCluster"] },
    },
    {
      name: "the proxy's version message does not talk about DLedger",
      version: "4.9.8",
      build: (e) => new Proxy(e.cluster, "p", { host: e.h[1] }),
      expect: { errors: ["stack/rmq/p [versions/needs-5]"], says: ["remove the Proxy"] },
    },
    {
      name: "a duplicate slave id's fix names a free brokerId",
      build: (e) =>
        pair(e, {
          slaves: [
            { host: e.h[2], brokerId: 1 },
            { host: e.h[0], brokerId: 1, listenPort: 12911 },
          ],
        }),
      expect: { errors: ["stack/rmq/a/slave-2 [ids/slave-id]"], says: ["brokerId: 2"] },
    },
    {
      name: "a malformed dLegerSelfId's fix names a free selfId",
      build: (e) =>
        dledger(e, {
          peers: [
            { host: e.h[0], selfId: "n1", listenPort: 20911 },
            { host: e.h[1], selfId: "node" },
            { host: e.h[2] },
          ],
        }),
      expect: { errors: ["stack/rmq/c/node [dledger/self-id]"], says: ['selfId: "n0"'] },
    },
  ],
};

const total = Object.values(GROUPS).reduce((n, g) => n + g.length, 0);

test(`the table holds at least 80 malformed programs (${total})`, () => {
  expect(total).toBeGreaterThanOrEqual(80);
});

for (const [group, cases] of Object.entries(GROUPS)) {
  describe(group, () => {
    for (const c of cases) {
      const expected = c.expect;
      const title =
        "accepted" in expected
          ? `${c.name}: accepted (${expected.accepted})`
          : `${c.name}: ${expected.errors.join(", ")}`;
      test(title, () => {
        const d = diagnose(c.build, { ...c.cluster, ...(c.version ? { version: RocketMqVersion.of(c.version) } : {}) });
        if ("accepted" in expected) {
          expect(d.errors).toEqual([]);
        } else {
          expect(d.errors).toEqual([...expected.errors].sort());
          for (const text of expected.says ?? []) expect(d.messages.join("\n")).toContain(text);
          // Every error says what to do.
          for (const m of d.messages) expect(m).toMatch(/ Fix: \S/);
        }
        expect(d.warnings).toEqual([...(expected.warnings ?? [])].sort());
      });
    }
  });
}
