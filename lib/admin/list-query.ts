import type { FieldMeta, ModelClass } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySet } from '../query/queryset';
import { Q } from '../query/q';
import { AdminHttpError } from './http';
import { filterFields, listFields, searchFields } from './models';

/** What a table page asks for, each part checked against the model's metadata. */
export interface ListRequest {
  order?: string;
  search: string;
  filters: Map<FieldMeta, string>;
  page: number;
}

/** Reads `?o=`, `?q=`, `?f_<field>=` and `?page=`; an unknown sort key, filter or value is a 400 before any query. */
export function parseListRequest(model: ModelClass, params: URLSearchParams): ListRequest {
  const meta = model.meta;
  const order = params.get('o') || undefined;
  if (order !== undefined) {
    const name = order.replace(/^-/, '');
    if (!listFields(meta).some((field) => field.name === name)) {
      throw new AdminHttpError(
        400,
        `Cannot sort ${meta.name} by "${name}": sort by one of its columns (${listFields(meta)
          .map((f) => f.name)
          .join(', ')}).`,
      );
    }
  }
  const filters = new Map<FieldMeta, string>();
  const allowed = filterFields(meta);
  for (const [key, value] of params) {
    if (!key.startsWith('f_') || value === '') continue;
    const field = allowed.find((f) => f.name === key.slice(2));
    if (!field)
      throw new AdminHttpError(400, `${meta.name} has no filter "${key.slice(2)}"; filters exist for ${allowed.map((f) => f.name).join(', ') || 'no field'}.`);
    const choices = field.type === 'boolean' ? ['true', 'false'] : field.choices!.map(String);
    if (!choices.includes(value)) throw new AdminHttpError(400, `Filter ${field.name} takes one of ${choices.join(', ')}, not "${value}".`);
    filters.set(field, value);
  }
  const pageText = params.get('page') ?? '1';
  const page = Number(pageText);
  if (!/^\d+$/.test(pageText) || !Number.isSafeInteger(page) || page < 1)
    throw new AdminHttpError(400, `Page "${pageText}" is not a page number; pages count from 1.`);
  return { order, search: (params.get('q') ?? '').trim(), filters, page };
}

/** The filter value as the field's type: choices may be numbers, booleans are words in the URL. */
function filterValue(field: FieldMeta, text: string): unknown {
  if (field.type === 'boolean') return text === 'true';
  return field.choices!.find((choice) => String(choice) === text);
}

/** The queryset of a table page, before pagination: filters, search (OR over string fields), order. */
export function listQuerySet(model: ModelClass, request: ListRequest): QuerySet<BaseModel> {
  const meta = model.meta;
  let qs = model.query.all() as QuerySet<BaseModel>;
  for (const [field, text] of request.filters) qs = qs.filter({ [field.name]: filterValue(field, text) });
  const searched = searchFields(meta);
  if (request.search && searched.length) {
    qs = qs.filter(Q.or(...searched.map((field) => ({ [`${field.name}__icontains`]: request.search }))));
  }
  // A stable order keeps offset pagination from repeating or skipping rows between pages.
  const keyOrder = meta.compositeKey ?? [meta.pkName];
  return request.order ? qs.orderBy(request.order, ...keyOrder) : qs.orderBy(...keyOrder);
}
