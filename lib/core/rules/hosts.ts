import { error, Finding } from "../findings";
import { HostModel, TopologyModel } from "../model";
import { allProcesses } from "./processes";

/**
 * A loopback address on a host whose processes each have a loopback of their own (containers on a
 * Docker bridge network): every broker dials its name servers, slaves their master and raft peers
 * each other at the host's address, and inside such a container 127.0.0.1 is the container itself.
 * The broker never registers, the TCP health check still passes. Reported once, on the host.
 */
export function checkHosts(topology: TopologyModel): Finding[] {
  const onHost = new Map<string, string[]>();
  for (const p of allProcesses(topology)) {
    if (!p.process.host.isolatedLoopback || !isLoopback(p.process.host.address)) continue;
    onHost.set(p.process.host.path, [...(onHost.get(p.process.host.path) ?? []), p.owner]);
  }
  const hosts = new Map<string, HostModel>(topology.hosts.map((h) => [h.path, h]));
  return [...onHost].map(([path, owners]) => {
    const address = hosts.get(path)?.address ?? "127.0.0.1";
    return error(
      path,
      "hosts/loopback",
      `address ${address} is a loopback address, but each container on this host has a network of its own (Docker's bridge network), where ${address} is the container itself: ` +
        `${owners.sort().join(", ")} would dial one another there and never connect (a broker never registers with its name server), while their TCP health checks still pass.`,
      `set networkMode: DockerNetworkMode.HOST on this DockerHost (its containers then share the machine's network, and clients on the machine reach them at ${address}), or set address to an address of the machine that containers reach.`,
    );
  });
}

/** 127.0.0.0/8, ::1 and the `localhost` names (RFC 6761): addresses that never leave the network stack that dials them. */
export function isLoopback(address: string): boolean {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || /^(0{0,4}:){2,7}0{0,3}1$/.test(a) || a === "::1" || a === "localhost" || a.endsWith(".localhost");
}
