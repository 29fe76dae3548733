import { ModelDefinitionError } from '../errors';
import type { Registry } from '../registry/registry';
import { hasDesignType, noDesignTypeError } from './compiler-checks';
import { checkIdentifier } from './field-types';
import { declarationOf } from './inheritance';
import { checkConstraints } from './constraints';
import { ModelSignals } from '../models/signals';
import type { ModelOptions, PatternOptions, RawField } from './raw';
import { schemaNameProblem } from '../database/schema-name';
import { addField, automaticKey, buildField, finishPrimaryKey, needsAutomaticKey } from './field-builder';
import { checkFieldList, checkPattern, optionOf } from './model-options';
import { foreignKeyField, manyToManyMeta } from './relation-options';
import { EMPTY_MAP, MODEL_META_BASE, ownMap } from './types';
import type { IndexMeta, ModelClass, ModelDeclaration, ModelMeta, ModelMetaRecord, RelationTarget } from './types';

// Where the builder's parts live: fields and the primary key in field-builder.ts, relation options in
// relation-options.ts, model options in model-options.ts. These are re-exported for their older importers.
export { addField } from './field-builder';
export { defaultRelatedName, foreignKeyField } from './relation-options';

/** A relation whose target still has to be resolved by the registry. */
export interface PendingRelation {
  kind: 'foreignKey' | 'oneToOne' | 'manyToMany';
  property: string;
  target: RelationTarget;
}

/** The builder's output: resolved own fields plus the relations left for the registry to bind. */
export interface BuiltModel {
  meta: ModelMeta;
  relations: PendingRelation[];
}

/** The table-level options of a model, resolved and checked (they do not depend on its fields). */
interface ModelNaming {
  name: string;
  tablePrefix: string | undefined;
  database: string;
  tablename: string;
  schema: string | undefined;
  pattern: PatternOptions | undefined;
}

/** Resolves and checks name, database alias, table name, schema and pattern from the options. */
function modelNaming(
  model: ModelClass,
  registry: Registry,
  own: ModelOptions | undefined,
  overrides: ModelOptions,
  declaration: ModelDeclaration,
): ModelNaming {
  const name = optionOf(own, overrides, 'name') ?? model.name;
  if (!name) throw new ModelDefinitionError('A model class needs a name: anonymous classes cannot be registered.');
  const tablePrefix = optionOf(own, overrides, 'tablePrefix') ?? declaration.tablePrefix;
  const database = optionOf(own, overrides, 'database') ?? declaration.database ?? 'default';
  if (database !== 'default' && !(database in registry.extra)) {
    const known = ['default', ...Object.keys(registry.extra)].join(', ');
    throw new ModelDefinitionError(`${name}: database "${database}" is not an alias of its registry (known: ${known}). Add it to the registry's extra option.`);
  }
  const base = optionOf(own, overrides, 'tablename') ?? `${name.toLowerCase()}s`;
  const tablename = tablePrefix ? `${tablePrefix}_${base}` : base;
  checkIdentifier('table name', tablename, name);
  const schema = optionOf(own, overrides, 'schema');
  const schemaProblem = schema === undefined ? undefined : schemaNameProblem(schema);
  if (schemaProblem) throw new ModelDefinitionError(`${name}: schema option: ${schemaProblem}.`);
  const pattern = optionOf(own, overrides, 'pattern');
  if (pattern !== undefined) {
    checkPattern(name, pattern);
    const unknown = (pattern.databases ?? []).find((alias) => alias !== 'default' && !(alias in registry.extra));
    if (unknown !== undefined) {
      throw new ModelDefinitionError(
        `${name}: pattern database "${unknown}" is not an alias of its registry (known: ${['default', ...Object.keys(registry.extra)].join(', ')}).`,
      );
    }
  }
  return { name, tablePrefix, database, tablename, schema, pattern };
}

/**
 * Turns a class's raw decorator arguments (its own and its ancestors') into a `ModelMeta`.
 * Mistakes in the model's own fields throw here, when the class is declared.
 */
export function buildModelMeta(
  model: ModelClass,
  registry: Registry,
  overrides: ModelOptions = {},
  declaration: ModelDeclaration = declarationOf(model),
): BuiltModel {
  // The options are `{ ...own, ...overrides }`, read key by key rather than built: registries of thousands
  // of models, and every copy of them, register each model through here.
  const own = declaration.options;
  const { name, tablePrefix, database, tablename, schema, pattern } = modelNaming(model, registry, own, overrides, declaration);
  const raws = declaration.fields;
  const autoKey = needsAutomaticKey(raws);
  const meta = {
    // `columnToField` and `attnames` come from this prototype, built from `fields` on first read.
    __proto__: MODEL_META_BASE,
    name,
    model,
    registry,
    tablename,
    tablePrefix,
    database,
    abstract: optionOf(own, overrides, 'abstract') === true,
    reflect: optionOf(own, overrides, 'reflect') ?? (pattern === undefined && declaration.reflected),
    schema,
    shared: optionOf(own, overrides, 'shared') === true,
    pattern,
    isThrough: false,
    fields: new Map(),
    pkName: 'id',
    compositeKey: undefined,
    manyToMany: SHARED_EMPTY_MAP,
    reverse: SHARED_EMPTY_MAP,
    hiddenReverse: SHARED_EMPTY_MAP,
    uniqueTogether: NO_LIST,
    indexes: NO_LIST,
    constraints: NO_LIST,
    comment: optionOf(own, overrides, 'comment'),
    columnIndex: undefined,
    attnameIndex: undefined,
    signals: new ModelSignals(name),
    managers: SHARED_EMPTY_MAP,
    declaration,
    accessorsFrom: undefined,
    // Needed: `columnToField` and `attnames` come from the prototype's accessors, which the literal's type cannot show.
  } satisfies Omit<ModelMetaRecord, 'columnToField' | 'attnames'> & { __proto__: object } as unknown as ModelMetaRecord;
  if (autoKey) {
    // The automatic key goes first so it leads the table's columns.
    meta.fields.set('id', automaticKey());
  }

  const relations = addDeclaredFields(meta, raws);
  if (!autoKey) finishPrimaryKey(meta);
  const uniqueTogether = optionOf(own, overrides, 'uniqueTogether');
  meta.uniqueTogether = uniqueTogether ? uniqueTogether.map((entry) => checkFieldList(meta, 'uniqueTogether', Array.isArray(entry) ? entry : [entry])) : [];
  const indexes = optionOf(own, overrides, 'indexes');
  meta.indexes = indexes ? indexes.map((index): IndexMeta => ({ ...index, fields: checkFieldList(meta, 'indexes', index.fields) })) : [];
  meta.constraints = checkConstraints(meta, optionOf(own, overrides, 'constraints'));
  return { meta, relations };
}

/** Adds the declared fields in order; returns the relations whose targets the registry still has to bind. */
function addDeclaredFields(meta: ModelMetaRecord, raws: readonly RawField[]): PendingRelation[] {
  const { model, name } = meta;
  const relations: PendingRelation[] = [];
  for (const raw of raws) {
    if (raw.kind === 'field') {
      if (
        raw.designType === undefined &&
        raw.options.type === undefined &&
        raw.options.choices === undefined &&
        raw.options.dbType === undefined &&
        !hasDesignType(model, raw.property)
      ) {
        // Not a union or a cycle (those leave an entry whose value is undefined): no metadata was emitted.
        throw noDesignTypeError(model, name, raw.property, raws);
      }
      addField(meta, buildField(name, raw.property, raw.options, raw.designType));
    } else if (raw.kind === 'manyToMany') {
      ownMap(meta, 'manyToMany').set(raw.property, manyToManyMeta(raw));
      relations.push(raw);
    } else {
      addField(meta, foreignKeyField(name, raw.property, raw.kind, raw.options));
      relations.push(raw);
    }
  }
  return relations;
}

/** Placeholder of a list the builder fills in before returning the metadata. */
const NO_LIST: never[] = [];
Object.freeze(NO_LIST);

/** `EMPTY_MAP` as the metadata's map members take it: it throws on a write, and `ownMap` replaces it before any. */
const SHARED_EMPTY_MAP = EMPTY_MAP as Map<never, never>;
