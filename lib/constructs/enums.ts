/**
 * The fixed sets of values RocketMQ reads, as enums (what jsii and every language binding need). Their values
 * are RocketMQ's own spellings, written as they are into broker.properties; untyped callers may pass the same
 * strings, which are checked at synth.
 */

/** How a master replicates to its slaves (`brokerRole` SYNC_MASTER or ASYNC_MASTER). */
export enum Replication {
  /** SYNC_MASTER: a send is acknowledged once a slave has it; needs a slave. */
  SYNC = "SYNC",
  /** ASYNC_MASTER: slaves copy in the background. */
  ASYNC = "ASYNC",
}

/** `flushDiskType`: when a broker's commit log reaches the disk. */
export enum FlushDiskType {
  /** Every message is flushed before the send is acknowledged. */
  SYNC_FLUSH = "SYNC_FLUSH",
  /** Flushed in the background. */
  ASYNC_FLUSH = "ASYNC_FLUSH",
}

/** `brokerRole` of a broker of a master/slave set (controller-mode replicas start as SLAVE). */
export enum BrokerRole {
  /** The master of an ASYNC set. */
  ASYNC_MASTER = "ASYNC_MASTER",
  /** The master of a SYNC set. */
  SYNC_MASTER = "SYNC_MASTER",
  /** A slave (brokerId 1 or more), or a controller-mode replica until the controller elects it. */
  SLAVE = "SLAVE",
}
