/**
 * What the docker provider and Terraform accept for a DockerHost's engine and provider alias. Pure.
 */

/**
 * Why the docker provider could not connect to `endpoint` (the rest of a sentence), or undefined. The provider
 * (kreuzwerker/docker 3.x, Docker's Go client) takes `unix://<socket>`, `tcp://<host>[:port]`, `npipe://<pipe>`
 * (Windows) and `ssh://[user@]host[:port]` (docker/cli connhelper: no password, path, query or fragment).
 */
export function dockerHostProblem(endpoint: string): string | undefined {
  if (endpoint.trim() === "")
    return "is empty: the provider needs an engine endpoint (or leave dockerHost unset for the local engine).";
  if (endpoint.trim() !== endpoint) return "has blanks around it, which the provider keeps as part of the endpoint.";
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(endpoint);
  if (!m)
    return `has no scheme: the provider reads the engine as <scheme>://<address> ("unable to parse docker host").`;
  const [, scheme, rest] = m;
  switch (scheme) {
    case "unix":
    case "npipe":
      return rest === "" ? `names no socket after ${scheme}://.` : undefined;
    case "tcp":
      return /^(\[[0-9a-fA-F:.]+\]|[^/:?#@\s]+)(:\d{1,5})?\/?$/.test(rest) ? undefined : `is not tcp://<host>[:port].`;
    case "ssh": {
      const ssh = /^(?:([^@/?#:\s]+)(:[^@]*)?@)?(\[[0-9a-fA-F:.]+\]|[^/:?#@\s]+)(:\d{1,5})?(.*)$/.exec(rest);
      if (!ssh || ssh[3] === undefined) return `names no host ("no host specified").`;
      if (ssh[2] !== undefined)
        return `carries a password, which Docker's ssh connection refuses ("plain-text password is not supported"); use an ssh key or agent.`;
      if (ssh[5] !== "")
        return `has ${JSON.stringify(ssh[5])} after the host: Docker's ssh connection takes ssh://[user@]host[:port] only ("extra path after the host").`;
      return undefined;
    }
    default:
      return `uses the scheme ${scheme}://, which the docker provider does not support (unix://, tcp://, ssh://, npipe://).`;
  }
}

/**
 * Why Terraform would refuse `alias` as a provider alias, or undefined: an alias is a Terraform name, a letter or "_"
 * followed by letters, digits, "_" and "-" ("Invalid provider configuration alias").
 */
export function aliasProblem(alias: string): string | undefined {
  if (alias === "") return "is empty.";
  if (!/^[\p{L}_]/u.test(alias))
    return `starts with ${JSON.stringify(alias[0])}: a Terraform name starts with a letter or "_".`;
  const bad = [...new Set(alias.replace(/[\p{L}\p{N}_-]/gu, ""))];
  if (bad.length > 0)
    return `contains ${bad.map((c) => JSON.stringify(c)).join(", ")}: a Terraform name has only letters, digits, "_" and "-".`;
  return undefined;
}
