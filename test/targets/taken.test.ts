import { BrokerPair, DockerHost, NameServer, RocketMqCluster, VmHost } from "../../lib";
import { synth, synthError } from "../helpers";

describe("takenPorts and takenDirectories: what else is on a shared machine", () => {
  test("a default port that is taken on the machine is a collision, with a free port as the fix", () => {
    const message = synthError((stack) => {
      const h = new DockerHost(stack, "h", { address: "10.0.0.1", takenPorts: [9876, 9877] });
      new NameServer(new RocketMqCluster(stack, "rmq"), "ns", { host: h });
    });
    expect(message).toContain(
      "[stack/rmq/ns] [ports/collision] name server ns listenPort 9876 collides with a port taken on the machine (takenPorts of stack/h) 9876 on host 10.0.0.1",
    );
    expect(message).toContain("e.g. listenPort: 9878.");
  });

  test("the fix, followed, synthesizes", () => {
    expect(() =>
      synth((stack) => {
        const h = new DockerHost(stack, "h", { address: "10.0.0.1", takenPorts: [9876, 9877] });
        new NameServer(new RocketMqCluster(stack, "rmq"), "ns", { host: h, listenPort: 9878 });
      }),
    ).not.toThrow();
  });

  test("ports taken on the machine count for every host of it (another DockerHost of the same engine)", () => {
    const message = synthError((stack) => {
      new DockerHost(stack, "other", { address: "10.0.0.2", dockerHost: "tcp://10.0.0.1:2376", takenPorts: [10911] });
      const h = new DockerHost(stack, "h", { address: "10.0.0.1", dockerHost: "tcp://10.0.0.1:2376" });
      const c = new RocketMqCluster(stack, "rmq");
      new NameServer(c, "ns", { host: h });
      new BrokerPair(c, "a", { master: { host: h } });
    });
    expect(message).toContain("[stack/rmq/a/master] [ports/collision]");
    expect(message).toContain("(takenPorts of stack/other) 10911");
  });

  test("a cluster moved by portOffset clears a machine whose default ports are taken", () => {
    expect(() =>
      synth((stack) => {
        const h = new DockerHost(stack, "h", { address: "10.0.0.1", takenPorts: [9876, 10909, 10911, 10912] });
        const c = new RocketMqCluster(stack, "rmq", { portOffset: 100 });
        new NameServer(c, "ns", { host: h });
        new BrokerPair(c, "a", { master: { host: h } });
      }),
    ).not.toThrow();
  });

  test("a VM store in a taken directory is refused, with a directory outside it that works", () => {
    const build = (store?: { hostPath: string }) => (stack: any) => {
      const vm = new VmHost(stack, "vm", { address: "10.0.0.9", takenDirectories: ["/var/lib/rocketmq", "/data"] });
      new NameServer(new RocketMqCluster(stack, "rmq"), "ns", { host: vm, ...(store ? { store } : {}) });
    };
    const message = synthError(build());
    expect(message).toContain(
      "[stack/rmq/ns] [stores/taken] name server ns keeps its store in /var/lib/rocketmq/defaultcluster-namesrv-ns, which is inside /var/lib/rocketmq, a directory taken on host 10.0.0.9 (takenDirectories of stack/vm)",
    );
    expect(message).toContain('e.g. store: { hostPath: "/srv/rocketmq/defaultcluster-namesrv-ns" }.');
    expect(() => synth(build({ hostPath: "/srv/rocketmq/defaultcluster-namesrv-ns" }))).not.toThrow();
  });

  test("a Docker host directory that contains a taken one is refused; a named volume (the default) is the fix", () => {
    const message = synthError((stack) => {
      const h = new DockerHost(stack, "h", { address: "10.0.0.1", takenDirectories: ["/srv/app/data"] });
      new NameServer(new RocketMqCluster(stack, "rmq"), "ns", { host: h, store: { hostPath: "/srv/app" } });
    });
    expect(message).toContain("which contains /srv/app/data");
    expect(message).toContain("Remove store from name server ns (its default is a named volume");
  });

  test.each([
    [
      { takenPorts: [0, 70000, 1.5] },
      "takenPorts has element(s) that are not ports: [0] the number 0, [1] the number 70000, [2] the number 1.5",
    ],
    [{ takenPorts: "9876" }, 'takenPorts is the string "9876", not an array'],
    [{ takenDirectories: ["data/rocketmq"] }, 'takenDirectories has path(s) that are not absolute: "data/rocketmq"'],
  ])("malformed %p is refused on the host, with a fix", (props, expected) => {
    const message = synthError((stack) => {
      const h = new DockerHost(stack, "h", { address: "10.0.0.1", ...(props as object) });
      new NameServer(new RocketMqCluster(stack, "rmq"), "ns", { host: h });
    });
    expect(message).toContain(`[stack/h] [props/type] ${expected}`);
    expect(message).toMatch(/Fix: (Set|Write)/);
  });
});
