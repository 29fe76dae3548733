/** What a driver error says about a violated unique or foreign-key constraint, as far as the driver tells. */
export interface IntegrityViolation {
  kind: 'unique' | 'foreignKey';
  /** The constraint's (or unique index's) name, when the driver names it. */
  constraint?: string;
  /** The table the constraint belongs to (for a foreign key: the referencing table). */
  table?: string;
  /** The constrained columns of `table`, when the driver lists them. */
  columns?: string[];
  /** The primary key was violated (MySQL names it `PRIMARY`). */
  primaryKey?: boolean;
}

/** The table named by the statement a driver error came from (`insert into "t"`, `update t`, `delete from t`). */
export function statementTable(sql: unknown): string | undefined {
  if (typeof sql !== 'string') return undefined;
  const match = /^\s*(?:insert\s+(?:ignore\s+)?into|update|delete\s+from)\s+(?:[`"]?\w+[`"]?\.)?[`"]?(\w+)[`"]?/i.exec(sql);
  return match?.[1];
}
