/**
 * The console's configuration, in the dashboard's own documented settings (apache/rocketmq-dashboard,
 * src/main/resources/application.yml and config/RMQConfigure.java, 2.1.0): Spring Boot binds
 * `rocketmq.config.namesrvAddrs` (a list; one entry per cluster, the cluster's name servers joined by `;`; the
 * first entry becomes the active `namesrvAddr`) and `rocketmq.config.proxyAddrs` (5.x proxies), and `server.port`.
 * The image (src/main/docker/Dockerfile) runs `java $JAVA_OPTS -jar /rocketmq-dashboard.jar`, so they go in
 * JAVA_OPTS as system properties, which Spring ranks above the jar's application.yml (whose namesrvAddrs lists
 * 127.0.0.1:9876): the whole list is replaced, not merged.
 */
import { ClusterModel, DashboardModel, namesrvAddr } from "../model";
import { dashboardTlsOptions } from "./tls";

export function dashboardEnv(cluster: ClusterModel, d: DashboardModel): Record<string, string> {
  const opts = [
    `-Xms${d.jvm.heapMb}m`,
    `-Xmx${d.jvm.heapMb}m`,
    `-Dserver.port=${d.listenPort}`,
    `-Drocketmq.config.namesrvAddrs=${namesrvAddr(cluster)}`,
  ];
  const proxies = [...cluster.proxies]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((p) => `${p.host.address}:${p.remotingListenPort}`);
  if (proxies.length) opts.push(`-Drocketmq.config.proxyAddrs=${proxies.join(",")}`);
  opts.push(...dashboardTlsOptions(cluster.tls));
  // With access control, the console signs its requests with the cluster's system account
  // (rocketmq.config.accessKey/secretKey: both must be set, 2.1.0 RMQConfigure).
  const acl = cluster.accessControl;
  const system = acl?.users.find((u) => u.name === acl.systemUser);
  if (system)
    opts.push(`-Drocketmq.config.accessKey=${system.name}`, `-Drocketmq.config.secretKey=${system.secret.text}`);
  return { JAVA_OPTS: opts.join(" ") };
}
