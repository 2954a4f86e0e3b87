/**
 * The first copy of each (epoch, seq) a user's connections received, bounded: past
 * `entriesMax` the oldest remembered entry is forgotten first (a ring of insertion
 * order, so forgetting is O(1): no Map iteration). Keyed by epoch, then by the seq
 * number itself, so the per-event path builds no key string (the checker runs inside
 * k6 VUs, where each allocation costs microseconds).
 */
import type { EventMemory } from "./checkerState.ts";

/** See the module comment. */
export class EventMemoryStore {
  private readonly byEpoch = new Map<string, Map<number, EventMemory>>();
  /** Insertion order as a ring: the map and the seq of each remembered entry. */
  private readonly ringMaps: (Map<number, EventMemory> | undefined)[] = [];
  private readonly ringSeqs: number[] = [];
  private ringStart = 0;
  private size = 0;

  constructor(private readonly entriesMax: number) {}

  /** The remembered copy of (epoch, seq), if any. */
  get(epoch: string, seq: number): EventMemory | undefined {
    return this.byEpoch.get(epoch)?.get(seq);
  }

  /** True when (epoch, seq) is remembered. */
  has(epoch: string, seq: number): boolean {
    return this.byEpoch.get(epoch)?.has(seq) === true;
  }

  /** Remembers a first copy of (epoch, seq) (not remembered yet); true when the oldest entry was forgotten to make room. */
  remember(epoch: string, seq: number, memory: EventMemory): boolean {
    if (this.entriesMax <= 0) return false;
    let seqs = this.byEpoch.get(epoch);
    if (seqs === undefined) {
      seqs = new Map();
      this.byEpoch.set(epoch, seqs);
    }
    seqs.set(seq, memory);
    if (this.size < this.entriesMax) {
      this.ringMaps.push(seqs);
      this.ringSeqs.push(seq);
      this.size += 1;
      return false;
    }
    const slot = this.ringStart;
    const oldestSeqs = this.ringMaps[slot] as Map<number, EventMemory>;
    oldestSeqs.delete(this.ringSeqs[slot] as number);
    if (oldestSeqs.size === 0) {
      for (const [oldestEpoch, candidate] of this.byEpoch) {
        if (candidate === oldestSeqs) {
          this.byEpoch.delete(oldestEpoch);
          break;
        }
      }
    }
    this.ringMaps[slot] = seqs;
    this.ringSeqs[slot] = seq;
    this.ringStart = (slot + 1) % this.entriesMax;
    return true;
  }
}
