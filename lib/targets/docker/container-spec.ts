/**
 * A process plan as the attributes of a docker_container (and its store volume), as plain data.
 * Pure: no constructs, so the mapping is tested on its own and the construct only wires it.
 */
import { ProcessPlan } from "../../core/plan";

export interface DockerContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  /** `KEY=value`, sorted. */
  readonly env: string[];
  readonly upload: { file: string; content: string }[];
  readonly volumes: { containerPath: string; volumeName?: string; hostPath?: string }[];
  /** Host port = container port: brokers advertise brokerIP1:listenPort to clients and peers. */
  readonly ports: { internal: number; external: number; protocol: string }[];
  readonly labels: { label: string; value: string }[];
  readonly memory: number;
  readonly restart: string;
  readonly healthcheck: { test: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
}

export function dockerContainerSpec(plan: ProcessPlan): DockerContainerSpec {
  return {
    name: plan.containerName,
    image: plan.image,
    command: [...plan.command],
    env: Object.keys(plan.env)
      .sort()
      .map((k) => `${k}=${plan.env[k]}`),
    upload: plan.files.map((f) => ({ file: f.path, content: f.content })),
    volumes: !plan.store
      ? []
      : [
          plan.store.volume
            ? { containerPath: plan.store.mountPath, volumeName: plan.store.volume }
            : { containerPath: plan.store.mountPath, hostPath: plan.store.hostPath },
        ],
    ports: [...new Set(plan.ports.map((p) => p.port))]
      .sort((a, b) => a - b)
      .map((port) => ({ internal: port, external: port, protocol: "tcp" })),
    labels: Object.keys(plan.labels)
      .sort()
      .map((label) => ({ label, value: plan.labels[label] })),
    memory: plan.memoryMb,
    restart: "unless-stopped",
    healthcheck: healthcheck(plan.healthPort),
  };
}

/** TCP probe of the process's own port with bash's /dev/tcp (the official image has bash, no curl). */
export function healthcheck(port: number): DockerContainerSpec["healthcheck"] {
  return {
    test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`],
    interval: "10s",
    timeout: "5s",
    retries: 6,
    startPeriod: "60s",
  };
}
