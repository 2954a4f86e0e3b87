/**
 * The first copy of each (epoch, seq) a user's connections received, bounded: past
 * `entriesMax` the oldest remembered entry is forgotten first. The copies live in a
 * ring of parallel arrays (the event and the connection that got it) and each epoch's
 * map points at ring slots, so remembering an event allocates nothing and forgetting
 * one is O(1): the checker runs inside k6 VUs, where each allocation costs microseconds.
 */
import type { AgentEvent } from "../../frames.ts";

/** The first copy of an (epoch, seq) a user's connections received, and the connection that got it. */
export interface FirstCopy {
  event: AgentEvent;
  connectionId: string;
}

/** See the module comment. */
export class EventMemoryStore {
  private readonly byEpoch = new Map<string, Map<number, number>>();
  /** The map of the epoch used last: most events are in one epoch, so most lookups skip byEpoch. */
  private lastEpoch: string | undefined = undefined;
  private lastSeqs: Map<number, number> | undefined = undefined;
  private readonly ringEvents: AgentEvent[] = [];
  private readonly ringConnections: string[] = [];
  private readonly ringMaps: Map<number, number>[] = [];
  private ringStart = 0;

  constructor(private readonly entriesMax: number) {}

  /** The remembered first copy of (epoch, seq), if any (built only then: a second copy is rare). */
  get(epoch: string, seq: number): FirstCopy | undefined {
    const slot = this.seqsOf(epoch)?.get(seq);
    if (slot === undefined) return undefined;
    return { event: this.ringEvents[slot] as AgentEvent, connectionId: this.ringConnections[slot] as string };
  }

  /** True when (epoch, seq) is remembered. */
  has(epoch: string, seq: number): boolean {
    return this.seqsOf(epoch)?.has(seq) === true;
  }

  /**
   * Remembers `event` as the first copy of its (epoch, seq), received on `connectionId`
   * (call it only when none is remembered); true when the oldest entry was forgotten.
   */
  remember(event: AgentEvent, connectionId: string): boolean {
    let seqs = this.seqsOf(event.epoch);
    if (seqs === undefined) {
      seqs = new Map();
      this.byEpoch.set(event.epoch, seqs);
      this.lastEpoch = event.epoch;
      this.lastSeqs = seqs;
    }
    if (this.ringEvents.length < this.entriesMax) {
      seqs.set(event.seq, this.ringEvents.length);
      this.ringEvents.push(event);
      this.ringConnections.push(connectionId);
      this.ringMaps.push(seqs);
      return false;
    }
    const slot = this.ringStart;
    const oldestSeqs = this.ringMaps[slot] as Map<number, number>;
    oldestSeqs.delete((this.ringEvents[slot] as AgentEvent).seq);
    if (oldestSeqs.size === 0 && oldestSeqs !== seqs) this.forgetEpochMap(oldestSeqs);
    seqs.set(event.seq, slot);
    this.ringEvents[slot] = event;
    this.ringConnections[slot] = connectionId;
    this.ringMaps[slot] = seqs;
    this.ringStart = slot + 1 === this.entriesMax ? 0 : slot + 1;
    return true;
  }

  private seqsOf(epoch: string): Map<number, number> | undefined {
    if (epoch === this.lastEpoch) return this.lastSeqs;
    const seqs = this.byEpoch.get(epoch);
    if (seqs !== undefined) {
      this.lastEpoch = epoch;
      this.lastSeqs = seqs;
    }
    return seqs;
  }

  private forgetEpochMap(seqs: Map<number, number>): void {
    for (const [epoch, candidate] of this.byEpoch) {
      if (candidate !== seqs) continue;
      this.byEpoch.delete(epoch);
      if (this.lastSeqs === seqs) {
        this.lastEpoch = undefined;
        this.lastSeqs = undefined;
      }
      return;
    }
  }
}
