/**
 * The RocketMQ image as every container target runs it (Docker, Kubernetes): its layout, where a server writes, the
 * environment that names the plan's files, and the command that resets state before the server starts. Pure: no
 * constructs, no provider.
 */
import * as path from "path";
import { ProcessKind, ProcessPlan } from "../core/plan";

/**
 * Where a server of the RocketMQ image writes its logs: logback's `${user.home}/logs`, the image's user's home being
 * /home/rocketmq (the official image has no such folder: the target hands a volume to the user).
 */
export const IMAGE_LOGS_DIR = "/home/rocketmq/logs";

/**
 * The JVM's temporary folder: its perf data, and the native libraries it unpacks there and loads (RocksDB's, Netty's
 * and gRPC's), so it is a volume, not a `noexec` tmpfs (which would also count against the container's memory).
 */
export const IMAGE_TMP_DIR = "/tmp";

/**
 * True for a process that runs on a read-only root file system: the servers of the RocketMQ image, whose layout the
 * library knows (it writes only to its store, its logs, /tmp and the folders of its files). The console's image is
 * not the RocketMQ image and keeps a writable root.
 */
export function runsOnReadOnlyRoot(kind: ProcessKind): boolean {
  return kind !== ProcessKind.DASHBOARD;
}

/** ROCKETMQ_HOME in the official image (Dockerfile-ubuntu: `/home/rocketmq/rocketmq-${ROCKETMQ_VERSION}`). */
export function imageRocketMqHome(version: string): string {
  return `/home/rocketmq/rocketmq-${version}`;
}

/**
 * The plan's environment, with the system properties that name its files (relative to the image's ROCKETMQ_HOME, or
 * absolute) appended to `JAVA_OPT_EXT`, which the image's scripts put last on the java command line.
 */
export function imageEnv(plan: ProcessPlan): Record<string, string> {
  const home = imageRocketMqHome(plan.version);
  const props = [
    ...plan.files
      .filter((f) => f.systemProperty !== undefined)
      .map((f) => `-D${f.systemProperty}=${path.posix.relative(home, f.path)}`),
    ...plan.files.filter((f) => f.absoluteProperty !== undefined).map((f) => `-D${f.absoluteProperty}=${f.path}`),
  ];
  if (props.length === 0) return plan.env;
  return { ...plan.env, JAVA_OPT_EXT: [plan.env.JAVA_OPT_EXT, ...props].filter(Boolean).join(" ") };
}

/**
 * The plan's command, preceded by the removal of what it resets before every start: `sh -c 'rm -rf -- <paths> && exec
 * "$0" "$@"' <command>`, so that the command itself is passed through untouched. Paths are single-quoted.
 */
export function commandWithReset(plan: ProcessPlan): string[] {
  const paths = plan.resetBeforeStart ?? [];
  if (paths.length === 0) return [...plan.command];
  return ["sh", "-c", `rm -rf -- ${paths.map(shellWord).join(" ")} && exec "$0" "$@"`, ...plan.command];
}

/** The folders of a plan's files, each once (the outermost of nested ones), sorted. */
export function fileFolders(plan: ProcessPlan): string[] {
  const folders = [...new Set(plan.files.map((f) => path.posix.dirname(f.path)))].sort();
  return folders.filter((f) => !folders.some((o) => o !== f && f.startsWith(`${o}/`)));
}

/** A word for sh: single-quoted. */
export function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
