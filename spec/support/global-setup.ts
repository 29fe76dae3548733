import { availabilityFlag, MYSQL_URL, PG_URL, serverAvailable } from './servers';

/** Announces which servers the run talks to, and fails early in CI when one is missing. */
export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  for (const [name, url] of [['PostgreSQL', PG_URL], ['MariaDB/MySQL', MYSQL_URL]] as const) {
    const up = await serverAvailable(url);
    // Workers inherit this, so suites know without probing again.
    process.env[availabilityFlag(url)] = up ? '1' : '0';
    if (!up) missing.push(`${name} (${url.replace(/:[^:@/]*@/, ':***@')})`);
  }
  if (missing.length === 0) return;
  const message = `database servers not answering: ${missing.join(', ')}`;
  if (process.env.KEELSON_REQUIRE_SERVERS === '1') throw new Error(`keelson tests: ${message}; KEELSON_REQUIRE_SERVERS=1 makes this fatal.`);
  console.warn(`\n*** keelson tests: ${message}. Their suites will be skipped. ***\n`);
}
