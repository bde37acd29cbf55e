import { error, Finding } from "../findings";
import { HostModel, TopologyModel } from "../model";
import { checkedProcesses } from "./processes";

/**
 * What a process asks of its host that the host says it cannot give (its facts, see MachineFacts): a named volume
 * where stores are always directories of the machine (a VM: `/var/lib/rocketmq/<process>` unless `store.hostPath` says
 * another), so that the volume would silently mean nothing (`stores/named-volume`); the console, which ships as a
 * container image only, on a host that runs no images (`hosts/container-image`); a directory of the machine where
 * every store is a claim of its own (Kubernetes: the pod may start on any node, `stores/host-directory`).
 */
export function checkHostCapabilities(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const p of checkedProcesses(topology)) {
    const host = p.process.host;
    const where = `${host.path} (${host.address}, ${describeHost(host)})`;
    if (p.kind === "dashboard") {
      if (host.containerImages !== false) continue;
      findings.push(
        error(
          p.process.path,
          "hosts/container-image",
          `the ${p.owner} is placed on the host ${where}, which runs no container images: the RocketMQ console ships as a container image (apacherocketmq/rocketmq-dashboard) only.`,
          `Place the Dashboard on a host that runs container images, e.g. a DockerHost (it may share this machine's address: one machine, one port plan).`,
        ),
      );
      continue;
    }
    const store = "store" in p.process ? p.process.store : undefined;
    const directory = p.process.requestedHostPath;
    if (store !== undefined && directory !== undefined && host.hostDirectories === false) {
      findings.push(
        error(
          p.process.path,
          "stores/host-directory",
          `${p.owner} sets store.hostPath "${directory}", but its host ${where} keeps every store in a claim of the process's own: its pod may start on any node, where that directory is another one or none.`,
          `Remove store.hostPath (the store is a PersistentVolumeClaim made for ${p.process.containerName}), or set store: { volume: "<claim>" } to a PersistentVolumeClaim you made.`,
        ),
      );
    }
    const volume = "requestedVolume" in p.process ? p.process.requestedVolume : undefined;
    if (store === undefined || volume === undefined || host.namedVolumes !== false) continue;
    findings.push(
      error(
        p.process.path,
        "stores/named-volume",
        `${p.owner} sets store.volume "${volume}", but its host ${where} has no named volumes: a named volume belongs to a container engine, and there the store is a directory of the machine (by default ${store.mountPath}).`,
        `Remove store.volume (the store is ${store.mountPath}, owned by the user RocketMQ runs as), or set store: { hostPath: "/data/rocketmq/${p.process.containerName}" } for a directory on a data disk.`,
      ),
    );
  }
  return findings;
}

/** What a host is, for messages: its own description, else a Docker engine (the facts' defaults). */
export function describeHost(host: HostModel): string {
  return host.description ?? "a Docker engine";
}
