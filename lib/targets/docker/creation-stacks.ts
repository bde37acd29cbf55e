// cdktf's creation stack traces, left unformatted for the provider resources the library builds (see npm run bench).
/**
 * Constructs a provider resource without formatting the creation stack traces cdktf records for its internals.
 * A provider class's constructor makes one object per nested block and computed attribute (about 30 for a
 * docker_container), and cdktf captures a whole stack trace for each and formats it to strings: below a construct
 * of this library that stack is several frames deeper than in a flat program, and at thousands of containers the
 * formatting (and the strings kept) is most of what the library costs beyond cdktf itself (see `npm run bench`).
 * Those traces only decorate resolution errors of the nested objects, which the library fills with literals.
 * A real Error raised meanwhile keeps its stack, formatted as V8 formats it.
 */
export function withoutCreationStacks<T>(create: () => T): T {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be put back as it was: the same function
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (err: unknown, frames: NodeJS.CallSite[]): unknown => {
    if (!(err instanceof Error)) return "";
    return previous
      ? previous(err, frames)
      : `${String(err)}${frames.map((f) => `\n    at ${(f as { toString(): string }).toString()}`).join("")}`;
  };
  try {
    return create();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
