import { eq, inArray, lt } from "drizzle-orm";
import type { StoreDatabase } from "./database.ts";
import { signInBuckets } from "./schema.ts";

/**
 * The sign-in limiter's token buckets (accounts/rate-limit.ts decides), in the database so
 * every server process counts the same attempts. An attempt locks its two rows, so two
 * processes cannot both spend the last token.
 */

export interface StoredBucket {
  tokens: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/**
 * Runs `decide` on the buckets under `keys` (undefined for one never touched) with their rows
 * locked, and keeps the buckets it returns; returns what `decide` returned.
 */
export async function takeFromBuckets<T>(
  db: StoreDatabase,
  keys: readonly string[],
  decide: (buckets: Map<string, StoredBucket>) => { result: T; keep: Map<string, StoredBucket> },
): Promise<T> {
  // Locked in key order, so two attempts on the same pair never wait on each other in a circle.
  const sorted = [...new Set(keys)].sort();
  return db.transaction(async (tx) => {
    // A row to lock even for a first attempt; a placeholder full bucket changes no decision,
    // since `decide` sees it as the full bucket it would have made.
    await tx
      .insert(signInBuckets)
      .values(sorted.map((key) => ({ key, tokens: -1, updatedAt: new Date(0) })))
      .onConflictDoNothing();
    const rows = await tx
      .select()
      .from(signInBuckets)
      .where(inArray(signInBuckets.key, sorted))
      .orderBy(signInBuckets.key)
      .for("update");
    const buckets = new Map<string, StoredBucket>();
    for (const row of rows) {
      if (row.tokens >= 0)
        buckets.set(row.key, { tokens: row.tokens, at: row.updatedAt.getTime() });
    }
    const { result, keep } = decide(buckets);
    for (const [key, bucket] of keep) {
      await tx
        .update(signInBuckets)
        .set({ tokens: bucket.tokens, updatedAt: new Date(bucket.at) })
        .where(eq(signInBuckets.key, key));
    }
    return result;
  });
}

/** Forgets a bucket (a successful sign-in forgives the account's failed tries). */
export async function forgetBucket(db: StoreDatabase, key: string): Promise<void> {
  await db.delete(signInBuckets).where(eq(signInBuckets.key, key));
}

/** Removes buckets untouched since `before`: long since full again. */
export async function sweepBuckets(db: StoreDatabase, before: Date): Promise<number> {
  const rows = await db
    .delete(signInBuckets)
    .where(lt(signInBuckets.updatedAt, before))
    .returning({ key: signInBuckets.key });
  return rows.length;
}
