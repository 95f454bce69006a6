import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.ts';
import {
  acquireFromBuckets,
  acquirePermits,
  type BucketSpec,
  campaignBuckets,
  defaultBurst,
  msUntilOnePermit,
  takeFromBuckets,
  takePermits,
} from '../../src/delivery/rateLimiter.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb?.close());

/** Takes permits from `buckets` as fast as possible until `durationMs` has passed; returns the total. */
async function hammer(
  sql: TestDatabase['sql'],
  buckets: BucketSpec[],
  durationMs: number,
  want = 5,
): Promise<number> {
  const deadline = performance.now() + durationMs;
  const signal = AbortSignal.timeout(durationMs + 1_000);
  let total = 0;
  while (performance.now() < deadline) {
    const { granted, waitMs } = await acquireFromBuckets(sql, { buckets, want });
    total += granted;
    if (granted === 0)
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(waitMs, deadline - performance.now()))));
    signal.throwIfAborted();
  }
  return total;
}

async function bucketRow(name: string) {
  const [row] = await testDb.sql<{ rate: number; tokens: number }[]>`
    select rate_per_second as rate, tokens from rate_buckets where name = ${name}`;
  return row;
}

describe('pure parts', () => {
  it('defaults the burst to one second of permits, at least one', () => {
    expect(defaultBurst(50)).toBe(50);
    expect(defaultBurst(0.2)).toBe(1);
  });

  it('computes the wait for the next permit', () => {
    expect(msUntilOnePermit(3.2, 10)).toBe(0);
    expect(msUntilOnePermit(0.5, 10)).toBe(50);
    expect(msUntilOnePermit(0, 0.5)).toBe(2000);
  });

  it('adds a campaign bucket only when the campaign sets a rate', () => {
    expect(campaignBuckets({ globalRatePerSecond: 14, campaignId: 42 }).map((b) => b.name)).toEqual([
      'global',
    ]);
    expect(campaignBuckets({ globalRatePerSecond: 14, campaignId: 42, campaignRatePerSecond: 2 })).toEqual([
      { name: 'global', ratePerSecond: 14 },
      { name: 'campaign:42', ratePerSecond: 2 },
    ]);
  });
});

describe('acquirePermits', () => {
  it('starts a new bucket full and grants no more than its burst at once', async () => {
    const first = await acquirePermits(testDb.sql, { bucket: 'fresh', ratePerSecond: 10, want: 25 });
    expect(first.granted).toBe(10);
    const second = await acquirePermits(testDb.sql, { bucket: 'fresh', ratePerSecond: 10, want: 25 });
    expect(second.granted).toBe(0);
    expect(second.waitMs).toBeGreaterThan(0);
    expect(second.waitMs).toBeLessThanOrEqual(100);
  });

  it('grants only what was wanted and keeps the rest', async () => {
    const grant = await acquirePermits(testDb.sql, {
      bucket: 'partial',
      ratePerSecond: 5,
      want: 2,
      burst: 8,
    });
    expect(grant).toEqual({ granted: 2, waitMs: 0 });
    expect((await bucketRow('partial'))?.tokens).toBeCloseTo(6, 0);
  });

  it('refuses nonsense rates and wants', async () => {
    await expect(acquirePermits(testDb.sql, { bucket: 'x', ratePerSecond: 0, want: 1 })).rejects.toThrow(
      RangeError,
    );
    await expect(acquirePermits(testDb.sql, { bucket: 'x', ratePerSecond: 1, want: -1 })).rejects.toThrow(
      RangeError,
    );
  });

  it('keeps the total near rate × time when two connections hammer the same bucket', async () => {
    const rate = 200;
    const burst = 20;
    const durationMs = 3_000;
    const other = connect(testDb.url, { max: 1 });
    const mine = connect(testDb.url, { max: 1 });
    try {
      const buckets = [{ name: 'shared', ratePerSecond: rate, burst }];
      const started = performance.now();
      const [a, b] = await Promise.all([
        hammer(mine.sql, buckets, durationMs),
        hammer(other.sql, buckets, durationMs),
      ]);
      const seconds = (performance.now() - started) / 1000;
      const total = a + b;
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      expect(total).toBeGreaterThanOrEqual(rate * seconds * 0.9);
      expect(total).toBeLessThanOrEqual(rate * seconds * 1.1 + burst);
    } finally {
      await Promise.all([other.sql.end(), mine.sql.end()]);
    }
  });

  it('holds a campaign to its lower rate while the global bucket allows more', async () => {
    const buckets = campaignBuckets({ globalRatePerSecond: 500, campaignId: 7, campaignRatePerSecond: 50 });
    const started = performance.now();
    const total = await hammer(testDb.sql, buckets, 1_500);
    const seconds = (performance.now() - started) / 1000;
    expect(total).toBeGreaterThanOrEqual(50 * seconds * 0.9);
    expect(total).toBeLessThanOrEqual(50 * seconds * 1.1 + 50);
  });

  it('charges every bucket the same permits, the least any of them can give', async () => {
    const grant = await acquireFromBuckets(testDb.sql, {
      buckets: [
        { name: 'roomy', ratePerSecond: 0.001, burst: 1000 },
        { name: 'tight', ratePerSecond: 0.001, burst: 3 },
      ],
      want: 10,
    });
    expect(grant.granted).toBe(3);
    expect((await bucketRow('roomy'))?.tokens).toBeCloseTo(997, 1);
    expect((await bucketRow('tight'))?.tokens).toBeCloseTo(0, 1);
  });

  it('never grants more than the burst when many callers create a bucket at once', async () => {
    const grants = await Promise.all(
      Array.from({ length: 10 }, () =>
        acquirePermits(testDb.sql, { bucket: 'stampede', ratePerSecond: 0.001, want: 5, burst: 5 }),
      ),
    );
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(5);
  });

  it('applies a changed rate from the next call', async () => {
    const bucket = 'changing';
    await hammer(testDb.sql, [{ name: bucket, ratePerSecond: 100, burst: 10 }], 300);
    expect((await bucketRow(bucket))?.rate).toBe(100);

    const started = performance.now();
    const slower = await hammer(testDb.sql, [{ name: bucket, ratePerSecond: 20, burst: 10 }], 1_500);
    const seconds = (performance.now() - started) / 1000;
    expect((await bucketRow(bucket))?.rate).toBe(20);
    expect(slower).toBeLessThanOrEqual(20 * seconds * 1.1 + 10);
    expect(slower).toBeGreaterThanOrEqual(20 * seconds * 0.9);
  });
});

describe('takePermits', () => {
  it('waits for the bucket to refill rather than returning nothing', async () => {
    const options = { bucket: 'waiting', ratePerSecond: 20, want: 1, burst: 1 };
    expect(await takePermits(testDb.sql, options)).toBe(1);
    const started = performance.now();
    expect(await takePermits(testDb.sql, options)).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('stops waiting when aborted', async () => {
    const buckets = [{ name: 'aborted', ratePerSecond: 0.01, burst: 1 }];
    expect(await takeFromBuckets(testDb.sql, { buckets, want: 1 })).toBe(1);
    const controller = new AbortController();
    const taking = takeFromBuckets(testDb.sql, { buckets, want: 1, signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(taking).rejects.toThrow('shutting down');
  });
});
