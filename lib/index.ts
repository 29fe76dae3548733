import 'reflect-metadata';

export * from './errors';
export { Database } from './database/database';
export type { DatabaseOptions } from './database/database';
export type { ReplicaHealth } from './database/replicas';
export type { QueryEvent, QueryListener } from './database/query-log';
export { Registry } from './registry/registry';
export type { RegistryOptions, GetModelOptions } from './registry/registry';
export type { Router, RouterHints } from './registry/router';
export { Schema, type CreateSchemaOptions, type DropSchemaOptions, type SchemaQueryOptions } from './registry/schema';
export { getDefaultRegistry, setDefaultRegistry } from './registry/default-registry';
export { Migrator, MigrationError, type MigrationState, type MigrationFile } from './migrations/migrator';
export { DEFAULT_MIGRATION_TABLE, type MigrationConfig } from './migrations/config';
export { makeMigrations, planMigration, hasChanges, type MakeMigrationsOptions, type AliasMigration } from './migrations/make';
export { type SchemaDiff } from './migrations/diff';
export { describe as describeOperation, type Operation, type PlannedOperation } from './migrations/operations';
export { logger } from './registry/logger';
export { MetaData } from './metadata/metadata';
export type { TableDefinition, ColumnDefinition, ForeignKeyDefinition } from './metadata/table-definition';
export type {
  FieldType,
  FieldMeta,
  ModelMeta,
  ModelClass,
  ManyToManyMeta,
  ReverseMeta,
  ReferentialAction,
  RelationTarget,
  ConstraintOption,
} from './metadata/types';
export type { FieldOptions, ForeignKeyOptions, ManyToManyOptions, ModelOptions, PatternOptions } from './metadata/raw';
export { BaseModel } from './models/base-model';
export { ReflectModel, AutoReflectModel } from './reflection/reflect-model';
export type { IntrospectedTable, IntrospectedColumn, IntrospectedForeignKey } from './dialects/introspection';
export { ContentType } from './contenttypes/content-type';
export { Manager } from './query/manager';
export { QuerySet } from './query/queryset';
// Adds union(), intersection() and difference() to QuerySet.
import './query/set-operations';
export { Exists, OuterRef, Subquery } from './query/expressions/subquery';
export type { SubquerySource } from './query/expressions/subquery';
export { F, Value, FExpression, ValueExpression, Arithmetic, Combinable, type Operand } from './query/expressions/f';
export { Count, Sum, Avg, Min, Max, Aggregate, CountAggregate, type AggregateOptions, type CountOptions } from './query/expressions/aggregates';
export { Expression, OrderBy, type NullsOrder } from './query/expressions/expression';
export { ValuesQuerySet, type ValuesRow } from './query/expressions/values-queryset';
export type {
  Annotated,
  AnnotationValue,
  AggregateResult,
  ExpressionValue,
  FieldPath,
  FilterKey,
  OrderKey,
  PrefetchPath,
  SelectPath,
  WritableValues,
} from './query/typed-keys';
export type { CreateValues } from './query/queryset';
export type { BulkCreateOptions } from './query/upsert';
export type { SelectForUpdateOptions } from './query/lock';
export type { DataKeys } from './query/q';
export { Signal, ModelSignals } from './models/signals';
export type { Receiver } from './models/signals';
export { validateInstance, validateMany } from './validation';
export { Q } from './query/q';
export type { Lookups } from './query/q';
export { RelatedManager } from './relations/foreign-key/related-manager';
export type { Relation, ManyRelation } from './relations/types';
export { Model, Field, PrimaryKey, ForeignKey, OneToOne, ManyToMany } from '../decorators';
