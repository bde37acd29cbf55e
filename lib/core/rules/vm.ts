import { error, Finding } from "../findings";
import { TopologyModel } from "../model";
import { checkedProcesses } from "./processes";

/**
 * What a VM (a host of kind `vm`: processes as systemd units of one machine) cannot do. A named volume belongs to a
 * Docker engine: on a VM a store is a directory of the machine (`/var/lib/rocketmq/<process>` unless `store.hostPath`
 * says another), so a `store.volume` would silently mean nothing. The console (Dashboard) ships as an image only.
 */
export function checkVmHosts(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const p of checkedProcesses(topology)) {
    if (p.process.host.kind !== "vm") continue;
    const where = `${p.process.host.path} (${p.process.host.address})`;
    if (p.kind === "dashboard") {
      findings.push(
        error(
          p.process.path,
          "hosts/vm-dashboard",
          `the ${p.owner} is placed on the VM host ${where}: the RocketMQ console ships as a container image (apacherocketmq/rocketmq-dashboard) and the VM target writes systemd units for RocketMQ's own scripts only.`,
          `Place the Dashboard on a DockerHost (it may share the VM's address: one machine, one port plan).`,
        ),
      );
      continue;
    }
    const store = "store" in p.process ? p.process.store : undefined;
    if (store?.volume === undefined) continue;
    findings.push(
      error(
        p.process.path,
        "stores/vm-volume",
        `${p.owner} sets store.volume "${store.volume}", but its host ${where} is a VM: a named volume belongs to a Docker engine, and on a VM the store is a directory of the machine (by default ${store.mountPath}).`,
        `Remove store.volume (the store is ${store.mountPath}, owned by the user RocketMQ runs as), or set store: { hostPath: "/data/rocketmq/${p.process.containerName}" } for a directory on a data disk.`,
      ),
    );
  }
  return findings;
}
