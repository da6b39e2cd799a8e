import { eq } from "drizzle-orm";
import type { StoreDatabase } from "./database.ts";
import { studioSecrets } from "./schema.ts";

/**
 * The studio's secret called `name`: made by `make` on the first call ever, read back on
 * every later one, by whichever process asks. Two processes starting at once both insert;
 * one wins and both read the winner.
 */
export async function studioSecret(
  db: StoreDatabase,
  name: string,
  make: () => string,
): Promise<string> {
  await db.insert(studioSecrets).values({ name, value: make() }).onConflictDoNothing();
  const [row] = await db
    .select({ value: studioSecrets.value })
    .from(studioSecrets)
    .where(eq(studioSecrets.name, name));
  return row.value;
}
