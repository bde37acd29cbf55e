/**
 * The user's own resources of a stack, of any provider, that hold a cluster's name server list: a VM whose user-data
 * writes the list into an application's configuration, a Kubernetes manifest, a parameter store entry. They take the
 * list from the cluster's `namesrvAddr` (a plain string once synthesized), so when the list changes their attributes
 * change too. Not a target: the library does not know these resources' providers, only that the list is in them.
 * (The user's Docker containers are read by the Docker target, which knows what replaces a container.)
 *
 * Pure: reads two synthesized cdk.tf.json documents.
 */
import { OtherChange, StackChanges } from "../core/changes";

interface TfDoc {
  output?: Record<string, { value?: unknown; description?: unknown }>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The attributes that hold a VM's first-boot script on the usual clouds' providers. */
const USER_DATA = /^(user_data|user_data_base64|custom_data|metadata_startup_script|user_data_replace_on_change)$/;

/** Each cluster's namesrvAddr as the stack outputs it (the output the cluster construct adds), by output name. */
function nameServerLists(doc: TfDoc): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, o] of Object.entries(doc.output ?? {}))
    if (
      typeof o.value === "string" &&
      typeof o.description === "string" &&
      o.description.startsWith("namesrvAddr of RocketMQ cluster")
    )
      out.set(name, o.value);
  return out;
}

function doc(json: unknown): TfDoc {
  return typeof json === "object" && json !== null ? json : {};
}

/** The resource's own name for a person: its `name`, or its `tags.Name`, else its id. */
function nameOf(id: string, r: Record<string, unknown>): string {
  if (typeof r.name === "string") return r.name;
  const tags = r.tags as Record<string, unknown> | undefined;
  return typeof tags?.Name === "string" ? tags.Name : id;
}

/**
 * The user's own resources (not `docker_*`: the Docker target reads those) whose attributes change between the two
 * documents and held the old name server list and hold the new one, each with the attributes and what it means.
 */
export function ownResourceChanges(before: unknown, after: unknown): StackChanges {
  const a = doc(before);
  const b = doc(after);
  const listsA = nameServerLists(a);
  const listsB = nameServerLists(b);
  const changed = [...listsB]
    .map(([name, list]) => ({ before: listsA.get(name), after: list }))
    .filter((l): l is { before: string; after: string } => l.before !== undefined && l.before !== l.after);
  const others: OtherChange[] = [];
  if (changed.length)
    for (const type of Object.keys(b.resource ?? {}).sort()) {
      if (type.startsWith("docker_")) continue;
      for (const id of Object.keys(b.resource![type]).sort()) {
        const ra = a.resource?.[type]?.[id];
        const rb = b.resource![type][id];
        if (!ra) continue;
        const reasons: string[] = [];
        for (const k of Object.keys(rb).sort()) {
          const va = JSON.stringify(ra[k] ?? null);
          const vb = JSON.stringify(rb[k] ?? null);
          if (va === vb) continue;
          const list = changed.find((l) => va.includes(l.before) && vb.includes(l.after));
          if (!list) continue;
          reasons.push(
            USER_DATA.test(k)
              ? `its \`${k}\` holds the name server list (${list.before} -> ${list.after}): a VM reads its user-data at first boot only, so most providers replace the VM to apply it (the plan says); its application reads the new list once it starts again`
              : `its \`${k}\` holds the name server list (${list.before} -> ${list.after}): whatever reads it must take it up again (the plan says whether the resource is replaced)`,
          );
        }
        if (reasons.length) others.push({ name: nameOf(id, rb), address: `${type}.${id}`, reasons });
      }
    }
  return { before: new Map(), after: new Map(), diffs: new Map(), storesLost: [], others };
}
