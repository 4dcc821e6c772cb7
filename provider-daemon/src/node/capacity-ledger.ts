/** Cores and memory: what the provider offers, what an offer reserves, what a job holds. */
export interface Resources {
  cores: number;
  memoryMb: number;
}

/** Capacity an offer holds from its signing until it is hired or expires (market v2). */
export interface Reservation extends Resources {
  /** The offer's nonce: once per provider, so it names the reservation. */
  nonce: bigint;
  /** Unix seconds after which the market refuses the offer. */
  expiresAt: number;
}

/** What `reserve` says: reserved, or which resource would exceed the provider's offer. */
export type ReserveResult =
  { reserved: true } | { reserved: false; short: 'cores' | 'memory'; free: Resources };

/**
 * What `bind` did with a hire seen on chain:
 * - `bound`: the offer's reservation now holds the job;
 * - `already`: the job was bound before (an event seen twice);
 * - `late`: no reservation was left (it expired here, or was never made by this process) but
 *   the capacity was free, so the job is held anyway;
 * - `over`: no reservation and not enough free capacity: the job is NOT held, and the caller
 *   must not run it (the chain hired an offer this provider had already given up).
 */
export type BindResult =
  { outcome: 'bound' | 'already' | 'late'; held: Resources } | { outcome: 'over'; free: Resources };

function checkResources(what: Resources): void {
  for (const value of [what.cores, what.memoryMb])
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`cores and memoryMb must be positive whole numbers, not ${value}`);
}

/**
 * The provider's exact capacity (pure, synchronous): reservations of offers in flight and holds
 * of hired jobs together never exceed what the provider offers. A quote reserves before it
 * signs, so two quotes answered at once cannot both take the last core; a hire turns its
 * offer's reservation into a job hold; a job's end or an offer's expiry frees it.
 */
export class CapacityLedger {
  private readonly reservations = new Map<bigint, Reservation>();
  private readonly holds = new Map<bigint, Resources>();

  constructor(readonly capacity: Resources) {
    checkResources(capacity);
  }

  /** Reservations and holds together. */
  usage(): Resources {
    let cores = 0;
    let memoryMb = 0;
    for (const r of [...this.reservations.values(), ...this.holds.values()]) {
      cores += r.cores;
      memoryMb += r.memoryMb;
    }
    return { cores, memoryMb };
  }

  free(): Resources {
    const used = this.usage();
    return {
      cores: this.capacity.cores - used.cores,
      memoryMb: this.capacity.memoryMb - used.memoryMb,
    };
  }

  /** Reserves an offer's resources, or refuses with the resource that is short. */
  reserve(reservation: Reservation): ReserveResult {
    checkResources(reservation);
    if (this.reservations.has(reservation.nonce))
      throw new RangeError(`offer nonce ${reservation.nonce} is reserved already`);
    const free = this.free();
    if (reservation.cores > free.cores) return { reserved: false, short: 'cores', free };
    if (reservation.memoryMb > free.memoryMb) return { reserved: false, short: 'memory', free };
    this.reservations.set(reservation.nonce, { ...reservation });
    return { reserved: true };
  }

  /** Drops a reservation whose offer was never given out (signing failed). */
  unreserve(nonce: bigint): boolean {
    return this.reservations.delete(nonce);
  }

  reservation(nonce: bigint): Reservation | undefined {
    return this.reservations.get(nonce);
  }

  /** Resources the job holds, if it is held. */
  held(jobId: bigint): Resources | undefined {
    return this.holds.get(jobId);
  }

  /**
   * The hire of offer `nonce` was seen on chain as job `jobId`, with the job's own terms
   * (`job`, from the hire event). The reservation becomes the job's hold; without one (expired
   * here first, or made before a restart) the job is held only if its resources are free.
   */
  bind(nonce: bigint, jobId: bigint, job: Resources): BindResult {
    const heldAlready = this.holds.get(jobId);
    if (heldAlready) return { outcome: 'already', held: heldAlready };
    const reservation = this.reservations.get(nonce);
    if (reservation) {
      this.reservations.delete(nonce);
      const held = { cores: reservation.cores, memoryMb: reservation.memoryMb };
      this.holds.set(jobId, held);
      return { outcome: 'bound', held };
    }
    checkResources(job);
    const free = this.free();
    if (job.cores > free.cores || job.memoryMb > free.memoryMb) return { outcome: 'over', free };
    const held = { cores: job.cores, memoryMb: job.memoryMb };
    this.holds.set(jobId, held);
    return { outcome: 'late', held };
  }

  /** The job ended (completed, failed, cancelled, expired): its capacity is free again. */
  release(jobId: bigint): boolean {
    return this.holds.delete(jobId);
  }

  /** Frees every reservation that expired before `nowSec`, unhired; returns them. */
  expire(nowSec: number): Reservation[] {
    const expired: Reservation[] = [];
    for (const reservation of this.reservations.values()) {
      if (reservation.expiresAt < nowSec) {
        this.reservations.delete(reservation.nonce);
        expired.push(reservation);
      }
    }
    return expired;
  }

  /** How many offers are out and unhired. */
  get openReservations(): number {
    return this.reservations.size;
  }
}
