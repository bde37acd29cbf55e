import { Testing } from "cdktf";
import { SeedDLedgerStack, SeedSyncStack } from "../../examples/seed";
import { containers, uploadedProperties } from "../helpers";

function synthExample(Stack: typeof SeedSyncStack): any {
  const stack = new Stack(Testing.app(), "seed");
  return JSON.parse(Testing.synth(stack, true));
}

describe("seed 2-master-2-slave SYNC cluster placed crosswise", () => {
  const json = synthExample(SeedSyncStack);
  const c = containers(json);

  test("broker-a master on .28 is a SYNC_MASTER with SYNC_FLUSH, id 0, on 10911", () => {
    expect(uploadedProperties(c["defaultcluster-broker-a-0"])).toEqual({
      brokerClusterName: "DefaultCluster",
      brokerIP1: "172.17.160.28",
      brokerIP2: "172.17.160.28",
      brokerId: "0",
      brokerName: "broker-a",
      brokerRole: "SYNC_MASTER",
      flushDiskType: "SYNC_FLUSH",
      listenPort: "10911",
      namesrvAddr: "172.17.160.28:9876;172.17.160.29:9876",
      storePathCommitLog: "/home/rocketmq/store/commitlog",
      storePathRootDir: "/home/rocketmq/store",
    });
  });

  test("broker-a slave on .29 is a SLAVE with ASYNC_FLUSH, id 1, on 11911", () => {
    expect(uploadedProperties(c["defaultcluster-broker-a-1"])).toEqual({
      brokerClusterName: "DefaultCluster",
      brokerIP1: "172.17.160.29",
      brokerIP2: "172.17.160.29",
      brokerId: "1",
      brokerName: "broker-a",
      brokerRole: "SLAVE",
      flushDiskType: "ASYNC_FLUSH",
      listenPort: "11911",
      namesrvAddr: "172.17.160.28:9876;172.17.160.29:9876",
      storePathCommitLog: "/home/rocketmq/store/commitlog",
      storePathRootDir: "/home/rocketmq/store",
    });
  });

  test("broker-b mirrors broker-a: master on .29, slave on .28", () => {
    const m = uploadedProperties(c["defaultcluster-broker-b-0"]);
    const s = uploadedProperties(c["defaultcluster-broker-b-1"]);
    expect([m.brokerName, m.brokerId, m.brokerRole, m.brokerIP1, m.listenPort]).toEqual([
      "broker-b",
      "0",
      "SYNC_MASTER",
      "172.17.160.29",
      "10911",
    ]);
    expect([s.brokerName, s.brokerId, s.brokerRole, s.brokerIP1, s.listenPort]).toEqual([
      "broker-b",
      "1",
      "SLAVE",
      "172.17.160.28",
      "11911",
    ]);
  });

  test("each container runs on its host's provider, publishes its ports 1:1, and starts after the name servers", () => {
    const master = c["defaultcluster-broker-a-0"];
    expect(master.provider).toBe("docker.h28");
    expect(master.ports).toEqual([10909, 10911, 10912].map((p) => ({ internal: p, external: p, protocol: "tcp" })));
    expect(c["defaultcluster-broker-b-1"].provider).toBe("docker.h28");
    expect(c["defaultcluster-broker-b-1"].ports.map((p: any) => p.external)).toEqual([11909, 11911, 11912]);
    const idOf = (name: string) =>
      `docker_container.${Object.entries<any>(json.resource.docker_container).find(([, v]) => v.name === name)![0]}`;
    // its store is handed over first, then the name servers start
    expect(master.depends_on).toEqual([
      idOf("defaultcluster-broker-a-0-store-init"),
      idOf("defaultcluster-namesrv-ns28"),
      idOf("defaultcluster-namesrv-ns29"),
    ]);
  });

  test("a broker runs mqbroker with its file, a sized heap, a store volume, a restart policy and a health check", () => {
    const master = c["defaultcluster-broker-a-0"];
    expect(master.command).toEqual(["sh", "mqbroker", "-c", "/home/rocketmq/conf/broker.properties"]);
    expect(master.upload[0].file).toBe("/home/rocketmq/conf/broker.properties");
    // HEAP_OPTS for the current image scripts, JAVA_OPT_EXT (appended last) for every build
    expect(master.env).toEqual([
      "HEAP_OPTS=-Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m",
      "JAVA_OPT_EXT=-Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m",
    ]);
    expect(master.user).toBe("3000:3000");
    expect(master.memory).toBe(512 + 512 + 256);
    expect(master.restart).toBe("unless-stopped");
    expect(master.healthcheck.test).toEqual(["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/10911"]);
    expect(master.volumes.map((v: any) => v.container_path ?? "volumes_from")).toEqual([
      "/home/rocketmq/store",
      "/home/rocketmq/logs",
      "/tmp",
      "volumes_from",
    ]);
    const volume = Object.values<any>(json.resource.docker_volume).find(
      (v) => v.name === "defaultcluster-broker-a-0-store",
    );
    expect(volume.provider).toBe("docker.h28");
  });

  test("name servers run mqnamesrv on 9876 with kvConfig on their volume", () => {
    const ns = c["defaultcluster-namesrv-ns28"];
    expect(ns.command).toEqual(["sh", "mqnamesrv", "-c", "/home/rocketmq/conf/namesrv.properties"]);
    expect(uploadedProperties(ns)).toEqual({
      kvConfigPath: "/home/rocketmq/namesrv/kvConfig.json",
      listenPort: "9876",
    });
    expect(ns.ports).toEqual([{ internal: 9876, external: 9876, protocol: "tcp" }]);
    expect(ns.depends_on).toHaveLength(1); // only its store-init container
  });

  test("the stack outputs the namesrvAddr for clients", () => {
    expect(json.output.rmq_namesrvAddr.value).toBe("172.17.160.28:9876;172.17.160.29:9876");
  });

  test("two aliased docker providers, one per host", () => {
    expect(json.provider.docker).toEqual([
      { alias: "h28", host: "ssh://ops@172.17.160.28" },
      { alias: "h29", host: "ssh://ops@172.17.160.29" },
    ]);
  });
});

describe("seed DLedger group on three hosts", () => {
  const c = containers(synthExample(SeedDLedgerStack));
  const peers = ["n0", "n1", "n2"].map((id) => uploadedProperties(c[`raftcluster-broker-c-${id}`]));

  test("every peer carries one identical dLegerPeers string and its own dLegerSelfId", () => {
    for (const p of peers)
      expect(p.dLegerPeers).toBe("n0-172.17.160.28:40911;n1-172.17.160.29:40912;n2-172.17.160.30:40913");
    expect(peers.map((p) => p.dLegerSelfId)).toEqual(["n0", "n1", "n2"]);
  });

  test("peers enable the DLedger commit log, with dLegerGroup = brokerName, and leave role and id to the election", () => {
    for (const p of peers) {
      expect(p.enableDLegerCommitLog).toBe("true");
      expect(p.dLegerGroup).toBe("broker-c");
      expect(p.brokerName).toBe("broker-c");
      expect(p.brokerClusterName).toBe("RaftCluster");
      expect(p.brokerRole).toBeUndefined();
      expect(p.brokerId).toBeUndefined();
      expect(p.namesrvAddr).toBe("172.17.160.28:9876;172.17.160.29:9876;172.17.160.30:9876");
    }
    expect(peers.map((p) => p.brokerIP1)).toEqual(["172.17.160.28", "172.17.160.29", "172.17.160.30"]);
  });

  test("a peer publishes its fast channel, listen port and raft port, no HA port", () => {
    expect(c["raftcluster-broker-c-n1"].ports.map((p: any) => p.external)).toEqual([10909, 10911, 40912]);
  });
});
