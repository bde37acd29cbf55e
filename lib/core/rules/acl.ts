import { error, Finding } from "../findings";
import { ClusterModel, TopologyModel } from "../model";
import { compareVersions, parseVersion } from "../versions/catalogue";
import { isIPv4, isIPv6 } from "./hosts";

/** The shortest account name and secret RocketMQ accepts: 4.9.x refuses 6 characters or fewer at start. */
export const MIN_ACL_KEY_LENGTH = 7;

/**
 * Access control that would not protect, or not start: ACL 1.0 where nothing reads it (5.3.3 and later: `aclEnable` is
 * silently ignored and every client gets in), ACL 2.0 before 5.3.0, names and literal secrets of 6 characters or fewer
 * (the broker stops at start, printing the secret), two accounts of one name, a system account that is missing or no
 * admin (ACL 2.0: the brokers' first super user, and the credentials brokers and proxies sign their own requests
 * with), a slave's machine that ACL 1.0 cannot white-list. Messages never show a secret.
 */
export function checkAccessControl(topology: TopologyModel): Finding[] {
  return topology.clusters.flatMap(checkCluster);
}

function checkCluster(cluster: ClusterModel): Finding[] {
  const acl = cluster.accessControl;
  if (!acl || !parseVersion(cluster.version)) return [];
  const out: Finding[] = [];
  const at = cluster.path;
  const v = cluster.version;
  if (acl.version === "1.0" && compareVersions(v, "5.3.3") >= 0) {
    out.push(
      error(
        at,
        "acl/version",
        `accessControl asks for ACL 1.0, but RocketMQ ${v} has no ACL 1.0: from 5.3.3 nothing reads aclEnable or plain_acl.yml, and every client, anonymous or not, is let in.`,
        `Remove accessControl.version (ACL 2.0 is the default from 5.3.0), or run 5.3.2 or earlier for ACL 1.0.`,
      ),
    );
  }
  if (acl.version === "2.0" && compareVersions(v, "5.3.0") < 0) {
    out.push(
      error(
        at,
        "acl/version",
        `accessControl asks for ACL 2.0, which RocketMQ reads from 5.3.0 on; ${v} does not read its keys and would let every client in.`,
        `Remove accessControl.version (ACL 1.0 is the default before 5.3.0), or run 5.3.0 or later.`,
      ),
    );
  }
  const seen = new Map<string, number>();
  acl.users.forEach((u, i) => {
    const prop = `accessControl.users[${i}]`;
    if (u.name.length < MIN_ACL_KEY_LENGTH) {
      out.push(
        error(
          at,
          "acl/short-key",
          `${prop}.name "${u.name}" has ${u.name.length} characters: RocketMQ refuses an account name of 6 characters or fewer and the broker does not start.`,
          `Set ${prop}.name to ${MIN_ACL_KEY_LENGTH} characters or more, e.g. name: "${u.name.padEnd(MIN_ACL_KEY_LENGTH, "-app")}".`,
        ),
      );
    }
    if (u.secret.length !== undefined && u.secret.length < MIN_ACL_KEY_LENGTH) {
      out.push(
        error(
          at,
          "acl/short-key",
          `${prop}.secret (user ${u.name}) has ${u.secret.length} characters: RocketMQ refuses a secret of 6 characters or fewer, the broker does not start, and 4.9.x prints the secret in its log.`,
          `Give user ${u.name} a secret of ${MIN_ACL_KEY_LENGTH} characters or more, from a sensitive Terraform variable.`,
        ),
      );
    }
    const first = seen.get(u.name);
    if (first !== undefined) {
      out.push(
        error(
          at,
          "acl/duplicate-user",
          `${prop} and accessControl.users[${first}] are both named "${u.name}": RocketMQ keeps one account per name, and one of the two secrets and permission sets would be lost.`,
          `Give each user a name of its own, or merge their permissions into one user.`,
        ),
      );
    } else seen.set(u.name, i);
  });
  const system = acl.users.find((u) => u.name === acl.systemUser);
  if (!system || !system.admin) {
    out.push(
      error(
        at,
        "acl/system-user",
        acl.systemUser === ""
          ? `accessControl has no admin user: the console and the library's own processes need an admin account to sign with.`
          : `accessControl.systemUser "${acl.systemUser}" ${system ? "is not an admin" : "is not one of the users"}: the console and the library's own processes sign with it and need an admin account.`,
        `Mark one user admin: true${acl.systemUser !== "" && !system ? `, or set systemUser to one of ${acl.users.map((u) => `"${u.name}"`).join(", ")}` : ""}.`,
      ),
    );
  }
  if (acl.version === "1.0") out.push(...whitelistProblems(cluster));
  if (cluster.proxies.length > 0 && acl.version === "1.0") {
    out.push(
      error(
        at,
        "acl/not-generated",
        `the cluster has proxies and accessControl (ACL 1.0): the library does not configure a proxy's ACL 1.0 yet.`,
        `Leave the proxies out of an ACL 1.0 cluster for now, or the access control.`,
      ),
    );
  }
  return out;
}

/**
 * ACL 1.0 white-lists the machines of the brokers (a slave's copies of its master's topics are unsigned): by IP only,
 * so a broker's host named by a DNS name could not be listed and its slave would copy nothing.
 */
function whitelistProblems(cluster: ClusterModel): Finding[] {
  if (!cluster.brokerSets.some((s) => s.members.length > 1)) return [];
  const named = cluster.brokerSets
    .flatMap((s) => s.members)
    .filter((m) => m.host.address !== "" && !m.host.unresolved?.includes("address"))
    .filter((m) => !isIPv4(m.host.address) && !isIPv6(m.host.address));
  return [...new Set(named.map((m) => m.host.path))].sort().map((hostPath) => {
    const address = named.find((m) => m.host.path === hostPath)!.host.address;
    return error(
      hostPath,
      "acl/whitelist",
      `the broker host ${hostPath} is named ${address}, not by IP: ACL 1.0 lets the cluster's slaves copy from their masters by white-listing the brokers' IP addresses (globalWhiteRemoteAddresses), which takes no DNS name.`,
      `Set the host's address to its IP address.`,
    );
  });
}
