import type { RedisState } from '../state/redis-state';
import type { AdmissionStore, Claim, Meter, Refusal } from './admission-store';
import { refusalWaitMs } from './in-memory-admission-store';

type ScriptReply = null | Array<string | number>;

/** The script arguments describing a meter (its limit, refill, period). */
function meterArgs(meter: Meter): Array<string | number> {
  return [meter.limit, meter.refillMs ?? '', meter.period ?? ''];
}

/**
 * Reservations in Redis, shared by every gateway replica: each `reserve`, `settle` and `used` is one Lua script
 * (one round trip) that reads and books all claims atomically. A meter the script has not seen (or a budget in a
 * new period) needs its starting usage (`Meter.initial`, e.g. the ledger's spend): the script asks for it and the
 * call is made again with it — a second round trip, once per meter and period.
 */
export class RedisAdmissionStore implements AdmissionStore {
  constructor(private readonly state: RedisState) {}

  #key(meter: Meter): string {
    return this.state.key('meter', meter.id);
  }

  /** Runs a script until it no longer asks for a meter's starting usage (each asked once). */
  async #withInitials(
    meters: readonly Meter[],
    run: (initials: Array<number | ''>) => Promise<ScriptReply>,
  ): Promise<ScriptReply> {
    // Meters without an `initial` start at 0: no need to be asked.
    const initials: Array<number | ''> = meters.map((meter) => (meter.initial ? '' : 0));
    for (;;) {
      const reply = await run(initials);
      if (reply?.[0] !== 'need') return reply;
      const index = Number(reply[1] ?? 1) - 1;
      const meter = meters[index] as Meter;
      initials[index] = meter.initial?.() ?? 0;
    }
  }

  async reserve(claims: readonly Claim[], now: number): Promise<Refusal | undefined> {
    if (claims.length === 0) return undefined;
    const meters = claims.map((claim) => claim.meter);
    const reply = await this.#withInitials(meters, (initials) =>
      this.state.run(
        (redis) =>
          redis.imxReserve(
            claims.length,
            ...meters.map((meter) => this.#key(meter)),
            now,
            ...claims.flatMap((claim, index) => [
              ...meterArgs(claim.meter),
              claim.amount,
              initials[index] as number | '',
            ]),
          ) as Promise<ScriptReply>,
      ),
    );
    if (!reply) return undefined;
    const claim = claims[Number(reply[1]) - 1] as Claim;
    const used = Number(reply[2]);
    return { claim, used, waitMs: refusalWaitMs(claim, used) };
  }

  async settle(claims: readonly Claim[], actual: readonly number[], now: number): Promise<void> {
    if (claims.length === 0) return;
    const meters = claims.map((claim) => claim.meter);
    await this.#withInitials(meters, (initials) =>
      this.state.run(
        (redis) =>
          redis.imxSettle(
            claims.length,
            ...meters.map((meter) => this.#key(meter)),
            now,
            ...claims.flatMap((claim, index) => [
              ...meterArgs(claim.meter),
              claim.amount,
              actual[index] ?? 0,
              initials[index] as number | '',
            ]),
          ) as Promise<ScriptReply>,
      ),
    );
  }

  async used(meter: Meter, now: number): Promise<number> {
    const reply = await this.#withInitials([meter], (initials) =>
      this.state.run(
        (redis) =>
          redis.imxUsed(
            1,
            this.#key(meter),
            now,
            ...meterArgs(meter),
            initials[0] as number | '',
          ) as Promise<ScriptReply>,
      ),
    );
    return Number(reply?.[1]);
  }
}
