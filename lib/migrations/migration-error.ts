import { DatabaseError } from '../errors';

/** A migration that failed (or could not run); names the alias and, when known, the migration and its file. */
export class MigrationError extends DatabaseError {
  /** The database alias. */
  readonly alias: string;
  /** The migration that failed, when the failure happened inside one. */
  readonly migration?: string;
  readonly file?: string;
  /** Migrations of the failed run that stayed applied (on PostgreSQL and SQLite a failed run usually keeps none). */
  readonly applied: string[];
  constructor(message: string, cause: unknown, details: { alias: string; migration?: string; file?: string; code?: string; applied?: string[] }) {
    super(message, cause, details.code);
    this.alias = details.alias;
    this.migration = details.migration;
    this.file = details.file;
    this.applied = details.applied ?? [];
  }
}
