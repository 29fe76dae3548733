import { ModelDefinitionError } from '../errors';
import { addField } from '../metadata/field-builder';
import { foreignKeyField } from '../metadata/relation-options';
import { ownModelOptions, recordModelOptions } from '../metadata/raw';
import type { ModelClass, ModelMeta } from '../metadata/types';
import { bindForeignKey } from '../relations/foreign-key/bind';
import { installForwardAccessor } from '../relations/accessors';
import type { Registry } from '../registry/registry';
import { ContentType, contentTypeUsers } from './content-type';
import { crossesDatabase } from '../query/cross-database';

/**
 * The content type model of a registry: `withContentType: true` declares keelson's `ContentType` there;
 * a subclass of it is declared there under its own options; a model already registered elsewhere is
 * shared (its rows live on that registry's database).
 */
export function contentTypeModelFor(registry: Registry, option: true | ModelClass): ModelClass {
  const base = option === true ? (ContentType as unknown as ModelClass) : option;
  if (!(base.prototype instanceof ContentType) && (base as unknown) !== ContentType) {
    throw new ModelDefinitionError(`withContentType: ${base.name} must extend keelson's ContentType.`);
  }
  const registered = Object.prototype.hasOwnProperty.call(base, 'meta') && !base.meta.abstract;
  if (registered) {
    cascadeAcrossDatabases(base);
    return base;
  }
  const Model = { ContentType: class extends (base as unknown as typeof ContentType) {} }.ContentType as unknown as ModelClass;
  const own = ownModelOptions(base) ?? {};
  recordModelOptions(Model, { ...own, abstract: false, registry, tablename: own.tablename ?? 'contenttypes', name: 'ContentType' });
  registry.register(Model);
  cascadeAcrossDatabases(Model);
  return Model;
}

const CASCADES = Symbol.for('keelson:content-type-cascade');

/**
 * Deleting a content type row deletes the instance it stands for. Within one database the foreign key's
 * ON DELETE CASCADE does it; a model on another database (a shared content type model) has no constraint,
 * so keelson deletes its row itself.
 */
function cascadeAcrossDatabases(contentType: ModelClass): void {
  const marked = contentType as unknown as Record<symbol, boolean>;
  if (marked[CASCADES]) return;
  marked[CASCADES] = true;
  contentType.meta.signals.preDelete.connect(async (_sender, row) => {
    const { name, schemaName } = row as ContentType;
    for (const registry of contentTypeUsers(contentType)) {
      const model = registry.models[name];
      if (!model?.meta.fields.has('content_type') || !crossesDatabase(model.meta, contentType.meta)) continue;
      let qs = model.query.filter({ content_type: row.pk } as never);
      if (schemaName) qs = qs.usingSchema(schemaName);
      await qs.delete();
    }
  });
}

/** Whether a model gets a `content_type` key: concrete, declared (not reflected), not generated, not the content type itself. */
export function wantsContentType(meta: ModelMeta, contentType: ModelClass | undefined): boolean {
  return !!contentType && !meta.abstract && !meta.reflect && !meta.isThrough && meta.model !== contentType && !meta.fields.has('content_type');
}

/** Adds `content_type` (nullable, unique, cascading; reverse `reverse_<model>`) to a model and binds it. */
export function attachContentType(meta: ModelMeta, contentType: ModelClass): void {
  const relatedName = `reverse_${meta.name.toLowerCase()}`;
  const field = foreignKeyField(meta.name, 'content_type', 'oneToOne', { nullable: true, onDelete: 'CASCADE', relatedName });
  addField(meta, field);
  installForwardAccessor(meta, field);
  bindForeignKey(meta, 'content_type', contentType);
  const users = contentTypeUsers(contentType);
  if (!users.includes(meta.registry)) users.push(meta.registry);
}
