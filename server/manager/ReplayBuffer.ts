/**
 * One user's replay buffer: the newest serialized events, bounded in count and in
 * bytes. A deque over an array with a moving head; the byte total is derived from the
 * entries it holds (kept in step on every append/evict, checked by tests).
 */
import type { BrokerEntry } from "../ports/streamBroker.ts";

/** One held event: the broker port's {@link BrokerEntry} (one shape; the name stays for the buffer's users). */
export type ReplayEntry = BrokerEntry;

/** What the manager needs of a replay buffer; {@link ReplayBuffer} is the real one. */
export interface ReplayStore {
  readonly size: number;
  readonly bytes: number;
  readonly oldestSeq: number | undefined;
  append(entry: ReplayEntry): number;
  trimThrough(seq: number): number;
  after(seq: number): ReplayEntry[];
}

/** Bounded FIFO of a user's recent events, oldest first, seqs contiguous. */
export class ReplayBuffer implements ReplayStore {
  readonly #eventsMax: number;
  readonly #bytesMax: number;
  /** Slots before #head are dead and cleared (undefined), so what they held can be collected before the next compaction. */
  #entries: Array<ReplayEntry | undefined> = [];
  #head = 0;
  #bytes = 0;

  constructor(options: { eventsMax: number; bytesMax: number }) {
    this.#eventsMax = options.eventsMax;
    this.#bytesMax = options.bytesMax;
  }

  /** Number of events held. */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** Bytes held (sum of the serialized entries). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Array slots in use, the dead prefix included: what the buffer costs beyond its events.
   * Compaction keeps it under 2 × size + 1025 however many events went through (a
   * read-only gauge for tests: without compaction it grows by one slot per event ever held).
   */
  get slotsUsed(): number {
    return this.#entries.length;
  }

  /** Seq of the oldest event held, or undefined when empty. */
  get oldestSeq(): number | undefined {
    return this.#entries[this.#head]?.seq;
  }

  /**
   * Appends the next event (its seq must follow the newest) and evicts from the front
   * until both bounds hold again. Returns how many events were evicted.
   */
  append(entry: ReplayEntry): number {
    const newest = this.#entries[this.#entries.length - 1];
    if (newest !== undefined && this.size > 0 && entry.seq !== newest.seq + 1) {
      throw new Error(`assertion: replay seq ${entry.seq} does not follow ${newest.seq}`);
    }
    this.#entries.push(entry);
    this.#bytes += entry.bytes;
    let evicted = 0;
    while (this.size > this.#eventsMax || (this.#bytes > this.#bytesMax && this.size > 1)) {
      this.#dropOldest();
      evicted += 1;
    }
    return evicted;
  }

  /** Drops every event with seq <= `seq` (after an ack). Returns how many were dropped. */
  trimThrough(seq: number): number {
    let dropped = 0;
    while (this.size > 0 && (this.oldestSeq as number) <= seq) {
      this.#dropOldest();
      dropped += 1;
    }
    return dropped;
  }

  /** The held events with seq > `seq`, oldest first. */
  after(seq: number): ReplayEntry[] {
    const oldest = this.oldestSeq;
    if (oldest === undefined) return [];
    const start = this.#head + Math.max(0, seq + 1 - oldest);
    return this.#entries.slice(start) as ReplayEntry[];
  }

  #dropOldest(): void {
    const entry = this.#entries[this.#head];
    if (entry === undefined) return;
    this.#bytes -= entry.bytes;
    // Without this the dead prefix (up to 1024 entries per user between compactions) keeps
    // every dropped event's text alive: per user that is far more than the buffer's bounds.
    this.#entries[this.#head] = undefined;
    this.#head += 1;
    // Compact once the dead prefix dominates, so memory stays proportional to what is held.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
