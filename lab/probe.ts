// Version probe: does release V start on this JVM at all? One name server and one broker from a minimal
// lab-written configuration (not the library's output - the experiments use that), one message through.
import * as path from "path";
import { ProcessDeployment } from "./deployment";
import { createTopicEverywhere } from "./scenarios";
import { Container, Stack, parseContainer } from "./stack";
import { WORK_DIR, ms } from "./util";

function probeContainer(
  id: string,
  version: string,
  role: string,
  script: string,
  file: string,
  props: Record<string, string>,
  volume?: string,
): Container {
  return parseContainer(id, {
    name: id,
    image: `apache/rocketmq:${version}`,
    command: ["sh", script, "-c", file],
    env: [`JAVA_OPT_EXT=-Xms256m -Xmx256m -XX:MaxDirectMemorySize=256m`],
    upload: [
      {
        file,
        content:
          Object.entries(props)
            .map(([k, v]) => `${k}=${v}`)
            .join("\n") + "\n",
      },
    ],
    volumes: volume ? [{ volume_name: volume, container_path: "/home/rocketmq/store" }] : [],
    labels: [
      { label: "rocketmq.role", value: role },
      { label: "rocketmq.host", value: "10.254.0.1" },
      { label: "rocketmq.cluster", value: "ProbeCluster" },
      { label: "rocketmq.version", value: version },
    ],
  });
}

export async function probeVersion(version: string): Promise<{ ok: boolean; detail: string }> {
  const host = "10.254.0.1";
  const stack: Stack = {
    name: `probe-${version}`,
    file: "(lab-written probe)",
    containers: [
      probeContainer("probe-namesrv", version, "namesrv", "mqnamesrv", "/home/rocketmq/conf/namesrv.properties", {
        listenPort: "9876",
      }),
      probeContainer(
        "probe-broker",
        version,
        "broker",
        "mqbroker",
        "/home/rocketmq/conf/broker.properties",
        {
          brokerClusterName: "ProbeCluster",
          brokerName: "probe-b",
          namesrvAddr: `${host}:9876`,
          brokerIP1: host,
          storePathRootDir: "/home/rocketmq/store",
        },
        "probe-store",
      ),
    ],
    dashboards: [],
  };
  const d = new ProcessDeployment(stack, path.join(WORK_DIR, "run", `probe-${version}`));
  try {
    await d.up();
    const c = d.client!;
    await createTopicEverywhere(c, "ProbeTopic", "ProbeCluster");
    const s = await c.send("ProbeTopic", "probe-b", "hello", undefined, 10_000);
    const got = (await c.must("consume", ["ProbeTopic", "probe-b"], 20_000)).bodies as string[];
    const ok = s.ok && s.status === "SEND_OK" && got.includes("hello");
    const t = d.timings;
    return {
      ok,
      detail: `namesrv ready ${ms(t["ready probe-namesrv"])}, broker registered ${ms(t["ready probe-broker"])}, RSS MiB ${d.rssReport()}; send ${s.ok ? s.status : s.error}, consumed ${got.length}`,
    };
  } catch (e) {
    const tails = d.procs
      .filter((p) => p.starts)
      .map((p) => p.tails(12))
      .join("\n");
    return { ok: false, detail: `${(e as Error).message}\n${tails}` };
  } finally {
    await d.destroy();
  }
}
