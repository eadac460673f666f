/**
 * The PostgreSQL the tests talk to: WEFT_TEST_DATABASE_URL, or the local server. Asked
 * once per test file, before its tests are declared: unreachable means the file's tests
 * are skipped with a warning — and fail with CI=true, where PostgreSQL must be there.
 */
import pg from "pg";
import { describe, it } from "vitest";

export const DATABASE_URL = process.env.WEFT_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Why PostgreSQL cannot be used (undefined: it answers). */
export async function probe(url: string, applicationName: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000, application_name: applicationName });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}`;
  } catch {
    return url;
  }
}

/**
 * Declares `define`'s tests when PostgreSQL answers; otherwise one failing test with CI=true,
 * or a skipped suite and a warning.
 */
export async function describeWithPostgres(name: string, applicationName: string, define: () => void): Promise<void> {
  const unreachable = await probe(DATABASE_URL, applicationName);
  if (unreachable === undefined) {
    define();
    return;
  }
  const message = `PostgreSQL is required in CI but ${hostOf(DATABASE_URL)} is not reachable: ${unreachable}`;
  if (process.env.CI === "true") {
    describe(name, () => {
      it("needs a reachable PostgreSQL in CI", () => {
        throw new Error(message);
      });
    });
    return;
  }
  console.warn(
    `\n[store-postgres] SKIPPING the PostgreSQL tests: ${hostOf(DATABASE_URL)} is not reachable (${unreachable}).` +
      `\n[store-postgres] Start PostgreSQL or set WEFT_TEST_DATABASE_URL; with CI=true this fails instead.\n`,
  );
  describe.skip(`${name} (PostgreSQL not reachable)`, () => {
    it("runs against PostgreSQL", () => undefined);
  });
}
