import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  Dashboard,
  DockerHost,
  NameServer,
  Proxy,
  RocketMqCluster,
  topologyOf,
  RocketMqVersion,
} from "../../lib";
import { containers, storeInits, synth, synthError } from "../helpers";
import { TerraformStack, Testing } from "cdktf";

function twoNameServers(s: TerraformStack, version = "4.9.8") {
  const h1 = new DockerHost(s, "h1", { address: "10.0.0.1" });
  const h2 = new DockerHost(s, "h2", { address: "10.0.0.2" });
  const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.of(version) });
  new NameServer(cluster, "ns2", { host: h2 });
  new NameServer(cluster, "ns1", { host: h1 });
  new BrokerPair(cluster, "broker-a", { master: { host: h1 } });
  return { h1, h2, cluster };
}

describe("the console (Dashboard)", () => {
  const json = synth((s) => {
    const { h2, cluster } = twoNameServers(s);
    new Dashboard(cluster, "console", { host: h2 });
  });
  const c = containers(json)["defaultcluster-dashboard-console"];

  test("runs the dashboard's image with every name server of its cluster in rocketmq.config.namesrvAddrs, on its own port 8082", () => {
    expect(c.image).toBe("apacherocketmq/rocketmq-dashboard:2.1.0");
    expect(c.env).toEqual([
      "JAVA_OPTS=-Xms512m -Xmx512m -Dserver.port=8082 -Drocketmq.config.namesrvAddrs=10.0.0.1:9876;10.0.0.2:9876",
    ]);
    expect(c.ports).toEqual([{ internal: 8082, external: 8082, protocol: "tcp" }]);
    expect(c.memory).toBe(768);
  });

  test("keeps the image's own entrypoint and user, has no store, and starts after the name servers", () => {
    expect(c.command).toBeUndefined();
    expect(c.user).toBeUndefined();
    expect(c.volumes).toBeUndefined();
    expect(Object.keys(storeInits(json))).not.toContain("defaultcluster-dashboard-console-store-init");
    const ids = Object.fromEntries(
      Object.entries<any>(json.resource.docker_container).map(([id, x]) => [x.name, `docker_container.${id}`]),
    );
    expect(c.depends_on).toEqual([ids["defaultcluster-namesrv-ns1"], ids["defaultcluster-namesrv-ns2"]]);
    expect(c.healthcheck.test).toEqual(["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8082"]);
  });

  test("its URL is a stack output, beside namesrvAddr and each broker set's endpoints", () => {
    expect(json.output.rmq_console_url.value).toBe("http://10.0.0.2:8082");
    expect(json.output.rmq_namesrvAddr.value).toBe("10.0.0.1:9876;10.0.0.2:9876");
    expect(json.output["rmq_broker-a_endpoints"].value).toBe("10.0.0.1:10911");
  });

  test("on RocketMQ 5 it also knows the cluster's proxies", () => {
    const j = synth((s) => {
      const { h1, h2, cluster } = twoNameServers(s, "5.3.3");
      new Proxy(cluster, "proxy", { host: h1 });
      new Dashboard(cluster, "console", { host: h2 });
    });
    expect(containers(j)["defaultcluster-dashboard-console"].env[0]).toContain(
      "-Drocketmq.config.proxyAddrs=10.0.0.1:8080",
    );
  });

  test("a console on 8080 beside a 5.x proxy's remoting port 8080 is a port collision", () => {
    const msg = synthError((s) => {
      const { h1, cluster } = twoNameServers(s, "5.3.3");
      new ControllerGroup(cluster, "controllers", { controllers: [{ host: h1 }] });
      new ControllerBrokerSet(cluster, "broker-b", {
        brokers: [
          { host: h1, listenPort: 20911 },
          { host: h1, listenPort: 30911 },
        ],
      });
      new Proxy(cluster, "proxy", { host: h1 });
      new Dashboard(cluster, "console", { host: h1, listenPort: 8080 });
    });
    const lines = msg.split("\n").filter((l) => l.includes("[ports/collision]"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      "proxy proxy remotingListenPort 8080 collides with dashboard console server.port (dashboard) 8080 on host 10.0.0.1",
    );
  });

  test("appears in the topology report, wired to the name servers", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const { h2, cluster } = twoNameServers(stack);
    new Dashboard(cluster, "console", { host: h2 });
    const report = topologyOf(stack);
    expect(report).toContain(
      "| console | dashboard (console) |  | 8082 server.port (dashboard) | none (stateless) | 768 MiB (heap 512) |",
    );
    expect(report.match(/-->\|console\|/g)).toHaveLength(2);
  });
});
