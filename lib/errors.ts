/** Base class of every error keelson throws on purpose; `instanceof KeelsonError` catches them all. */
export class KeelsonError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A database URL, registry option or other set-up value is wrong. */
export class ConfigurationError extends KeelsonError {}

/** A model declaration is wrong: a field type cannot be inferred, a relation target is missing, names clash. */
export class ModelDefinitionError extends KeelsonError {}

/** A registry lookup (a model by name) found nothing. */
export class LookupError extends KeelsonError {}

/** A queryset names a field, lookup or order key the model does not have; raised before any SQL runs. */
export class QueryError extends KeelsonError {}

/** `get()` found no row. */
export class ObjectNotFound extends KeelsonError {}

/** `get()` found more than one row. */
export class MultipleObjectsReturned extends KeelsonError {}

/** The operation is not available on this dialect (for example schemas on SQLite). */
export class NotSupportedError extends KeelsonError {}

/** Values failed validation before a write; `errors` maps each property to its messages. Nothing was written. */
export class ValidationError extends KeelsonError {
  readonly errors: Record<string, string[]>;
  constructor(modelName: string, errors: Record<string, string[]>) {
    const lines = Object.entries(errors).map(([field, messages]) => `  ${field}: ${messages.join('; ')}`);
    super(`${modelName} failed validation:\n${lines.join('\n')}`);
    this.errors = errors;
  }
}

/** A driver error, wrapped; the original is kept as `cause` and passwords never appear in the message. */
export class DatabaseError extends KeelsonError {
  /** The driver's error code (SQLSTATE on PostgreSQL, errno name on MySQL, SQLITE_* on SQLite) when known. */
  readonly code?: string;
  constructor(message: string, cause: unknown, code?: string) {
    super(message, { cause });
    this.code = code;
  }
}

/** What an `IntegrityError` knows about the constraint it broke. */
export interface IntegrityDetails {
  /** `unique` (a unique constraint, unique index or primary key) or `foreignKey`. */
  kind: 'unique' | 'foreignKey';
  /** The constraint's name, when the database reports it or keelson can tell it from the model. */
  constraint?: string;
  /** The table the constraint belongs to (for a foreign key, the referencing table), when known. */
  table?: string;
  /** The model owning the constraint, when a model of the registry has that table. */
  model?: string;
  /** The constrained fields, as model field names, when known. */
  fields?: string[];
}

/** A unique or foreign-key violation: `constraint` and `fields` (model field names) say which, where known. */
export class IntegrityError extends DatabaseError {
  readonly kind: IntegrityDetails['kind'];
  readonly constraint?: string;
  readonly table?: string;
  readonly model?: string;
  readonly fields?: string[];
  constructor(message: string, cause: unknown, code: string | undefined, details: IntegrityDetails) {
    super(message, cause, code);
    this.kind = details.kind;
    this.constraint = details.constraint;
    this.table = details.table;
    this.model = details.model;
    this.fields = details.fields;
  }
}
