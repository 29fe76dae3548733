import type { ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';

/** Before an insert: each instance without a content type gets its own row (one batched insert). */
export async function fillContentTypes(instances: readonly BaseModel[], meta: ModelMeta, schema?: string): Promise<void> {
  const contentType = meta.fields.get('content_type')?.relation?.target;
  if (!contentType) return;
  const missing = instances.filter((i) => (i as unknown as Record<string, unknown>).content_type_id == null);
  if (missing.length === 0) return;
  const rows = await contentType.query.bulkCreate(missing.map(() => ({ name: meta.name, schemaName: schema ?? null })) as never[]);
  missing.forEach((instance, i) => ((instance as unknown as Record<string, unknown>).content_type = rows[i]));
}
