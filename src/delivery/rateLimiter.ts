import type { Sql } from '../db/connect.ts';

/**
 * A send rate shared by every worker process on every machine: one token
 * bucket per name in `rate_buckets`, refilled by elapsed time on the database
 * clock, so no two hosts need agreeing clocks and no process keeps state.
 *
 * Glossary:
 * - bucket: a named allowance (`global`, `campaign:42`).
 * - permit: the right to hand one message to a subcontractor.
 * - burst: how many permits may be taken at once after an idle spell; also the
 *   bucket's capacity.
 *
 * Taking from several buckets (the global rate and a campaign's lower rate) is
 * one statement that locks their rows in name order, so concurrent callers
 * cannot deadlock, and grants the same count from each, the least any of them
 * can give: permits are never taken from one bucket and left unused in another.
 */

/** One bucket to take permits from. */
export interface BucketSpec {
  /** e.g. `global`, `campaign:42` (see {@link campaignBuckets}). */
  name: string;
  /** Sustained rate; must be > 0. The latest caller's rate is stored and applies from then on. */
  ratePerSecond: number;
  /** Capacity. Default: one second's worth of permits, at least 1 ({@link defaultBurst}). */
  burst?: number;
}

/** The answer to one request for permits. */
export interface Grant {
  /** Permits granted now, 0 ≤ granted ≤ want. Use them or lose them. */
  granted: number;
  /** How long until at least one more permit will be available, in ms (0: now). */
  waitMs: number;
}

/** One second's worth of permits, but never less than one (else a slow bucket never grants). */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, ratePerSecond);
}

/** Time until `tokens` reaches 1 at `ratePerSecond`, in whole ms. */
export function msUntilOnePermit(tokens: number, ratePerSecond: number): number {
  return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / ratePerSecond) * 1000);
}

/**
 * The buckets a campaign's sends draw from: always `global`, and also
 * `campaign:<id>` when the campaign sets its own (lower) rate.
 */
export function campaignBuckets(options: {
  globalRatePerSecond: number;
  campaignId: string | number;
  campaignRatePerSecond?: number | null;
}): BucketSpec[] {
  const buckets: BucketSpec[] = [{ name: 'global', ratePerSecond: options.globalRatePerSecond }];
  if (options.campaignRatePerSecond != null) {
    buckets.push({ name: `campaign:${options.campaignId}`, ratePerSecond: options.campaignRatePerSecond });
  }
  return buckets;
}

/** Takes up to `want` permits from one bucket, without waiting. */
export function acquirePermits(
  sql: Sql,
  options: { bucket: string; ratePerSecond: number; want: number; burst?: number },
): Promise<Grant> {
  const { bucket: name, ratePerSecond, burst, want } = options;
  return acquireFromBuckets(sql, { buckets: [{ name, ratePerSecond, burst }], want });
}

/**
 * Takes up to `want` permits from every bucket at once, without waiting:
 * granted = min(want, floor(tokens of each bucket)), in one atomic statement.
 *
 * Don't call it inside a long transaction: the bucket rows stay locked until it ends.
 */
export async function acquireFromBuckets(
  sql: Sql,
  options: { buckets: readonly BucketSpec[]; want: number },
): Promise<Grant> {
  const { want } = options;
  const buckets = validate(options.buckets, want);
  if (want === 0) return { granted: 0, waitMs: 0 };
  const names = buckets.map((b) => b.name);
  const rates = buckets.map((b) => b.ratePerSecond);
  const bursts = buckets.map((b) => b.burst ?? defaultBurst(b.ratePerSecond));

  // prev locks the existing rows in name order (LockRows runs above the sort).
  // The clock is read after the lock and never behind the stored time, so a
  // wait on the lock neither loses nor double-counts refill time.
  // Elapsed time refills at the stored rate (the rate in force then); the new
  // rate is stored for the next interval.
  // A bucket created concurrently by another caller (absent from prev but
  // conflicting) is left alone and the whole grant reported as 0: callers retry.
  const rows = await sql<{ name: string; granted: number; tokens: number; rate: number }[]>`
    with wanted as materialized (
      select * from unnest(${names}::text[], ${rates}::float8[], ${bursts}::float8[]) as w(name, rate, burst)
    ),
    prev as materialized (
      select b.name, b.tokens, b.rate_per_second, b.refilled_at
      from rate_buckets b
      where b.name in (select name from wanted)
      order by b.name
      for update
    ),
    tick as materialized (
      select greatest((select max(refilled_at) from prev), clock_timestamp()) as at
    ),
    available as materialized (
      select w.name, w.rate, tick.at,
        least(w.burst, coalesce(
          p.tokens + extract(epoch from tick.at - p.refilled_at)::float8 * p.rate_per_second,
          w.burst)) as tokens
      from wanted w cross join tick left join prev p on p.name = w.name
    ),
    decision as materialized (
      select greatest(0, least(${want}::int, min(floor(tokens))))::int as granted from available
    ),
    saved as (
      insert into rate_buckets as b (name, rate_per_second, tokens, refilled_at)
      select a.name, a.rate, a.tokens - d.granted, a.at from available a cross join decision d
      on conflict (name) do update
        set rate_per_second = excluded.rate_per_second, tokens = excluded.tokens, refilled_at = excluded.refilled_at
        where exists (select from prev where prev.name = excluded.name)
      returning b.name, b.tokens, b.rate_per_second as rate
    )
    select s.name, d.granted, s.tokens, s.rate from saved s cross join decision d`;

  if (rows.length < buckets.length) return { granted: 0, waitMs: 0 };
  const granted = rows[0]!.granted;
  const waitMs = Math.max(...rows.map((r) => msUntilOnePermit(r.tokens, r.rate)));
  return { granted, waitMs };
}

/**
 * Waits until at least one permit is available from the bucket, then takes up
 * to `want`. Rejects with the signal's reason if aborted.
 */
export function takePermits(
  sql: Sql,
  options: { bucket: string; ratePerSecond: number; want: number; burst?: number; signal?: AbortSignal },
): Promise<number> {
  const { bucket: name, ratePerSecond, burst, want, signal } = options;
  return takeFromBuckets(sql, { buckets: [{ name, ratePerSecond, burst }], want, signal });
}

/** {@link takePermits} over several buckets (see {@link acquireFromBuckets}). */
export async function takeFromBuckets(
  sql: Sql,
  options: { buckets: readonly BucketSpec[]; want: number; signal?: AbortSignal },
): Promise<number> {
  const { buckets, want, signal } = options;
  if (want < 1) throw new RangeError('want must be at least 1 to wait for permits');
  for (;;) {
    signal?.throwIfAborted();
    const { granted, waitMs } = await acquireFromBuckets(sql, { buckets, want });
    if (granted > 0) return granted;
    await delay(waitMs, signal);
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function validate(buckets: readonly BucketSpec[], want: number): readonly BucketSpec[] {
  if (!Number.isInteger(want) || want < 0) throw new RangeError('want must be a non-negative integer');
  if (buckets.length === 0) throw new RangeError('at least one bucket is needed');
  const names = new Set<string>();
  for (const b of buckets) {
    if (!(b.ratePerSecond > 0 && Number.isFinite(b.ratePerSecond))) {
      throw new RangeError(`bucket ${b.name}: ratePerSecond must be a positive number`);
    }
    if (b.burst !== undefined && !(b.burst >= 1 && Number.isFinite(b.burst))) {
      throw new RangeError(`bucket ${b.name}: burst must be at least 1`);
    }
    if (names.has(b.name)) throw new RangeError(`bucket ${b.name} is listed twice`);
    names.add(b.name);
  }
  return buckets;
}

/**
 * Gives back permits taken but not used (the range ran out of recipients, or
 * some were skipped), so the shared rate is not lost at the end of each
 * range. Capped at each bucket's burst; rows are locked in name order, as
 * when taking.
 */
export async function returnPermits(sql: Sql, buckets: readonly BucketSpec[], count: number): Promise<void> {
  if (count <= 0) return;
  const names = buckets.map((b) => b.name);
  const bursts = buckets.map((b) => b.burst ?? defaultBurst(b.ratePerSecond));
  await sql`
    with locked as (
      select name from rate_buckets where name = any(${names}::text[]) order by name for update
    )
    update rate_buckets b set tokens = least(w.burst, b.tokens + ${count})
      from unnest(${names}::text[], ${bursts}::float8[]) as w(name, burst)
     where b.name = w.name and b.name in (select name from locked)`;
}
