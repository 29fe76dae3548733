import type { FieldMeta, ModelClass } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import type { QuerySet } from '../query/queryset';
import { Q } from '../query/q';
import { AdminHttpError } from './http';
import { parseInputText } from './form-values';
import { filterFields, isKeyFilter, isRangeFilter, listFields, searchFields } from './models';

/** One active filter: the field, its lookup (`gte`/`lte` for a range end, none for equality) and the typed value. */
export interface ListFilter {
  field: FieldMeta;
  lookup?: 'gte' | 'lte';
  value: unknown;
}

/** What a table page asks for, each part checked against the model's metadata. */
export interface ListRequest {
  order?: string;
  search: string;
  filters: ListFilter[];
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
  const filters: ListFilter[] = [];
  const allowed = filterFields(meta);
  for (const [key, value] of params) {
    if (!key.startsWith('f_') || value === '') continue;
    const [name, lookup, ...extra] = key.slice(2).split('__');
    const field = allowed.find((f) => f.name === name);
    if (!field || extra.length)
      throw new AdminHttpError(400, `${meta.name} has no filter "${key.slice(2)}"; filters exist for ${allowed.map((f) => f.name).join(', ') || 'no field'}.`);
    filters.push(parseFilter(field, lookup, value));
  }
  const pageText = params.get('page') ?? '1';
  const page = Number(pageText);
  if (!/^\d+$/.test(pageText) || !Number.isSafeInteger(page) || page < 1)
    throw new AdminHttpError(400, `Page "${pageText}" is not a page number; pages count from 1.`);
  return { order, search: (params.get('q') ?? '').trim(), filters, page };
}

/** One `f_<field>[__<lookup>]=<value>` checked against the field's kind and parsed to its type; anything else is a 400. */
function parseFilter(field: FieldMeta, lookup: string | undefined, text: string): ListFilter {
  if (isRangeFilter(field)) {
    if (lookup !== 'gte' && lookup !== 'lte')
      throw new AdminHttpError(400, `Filter ${field.name} takes a range: use f_${field.name}__gte and f_${field.name}__lte.`);
    const parsed = parseInputText(field, text);
    if ('problem' in parsed) throw new AdminHttpError(400, `Filter ${field.name} ${lookup === 'gte' ? 'from' : 'to'}: ${parsed.problem}`);
    return { field, lookup, value: parsed.value };
  }
  if (lookup !== undefined) throw new AdminHttpError(400, `Filter ${field.name} takes no lookup "${lookup}".`);
  if (isKeyFilter(field)) {
    const parsed = parseInputText(field, text);
    if ('problem' in parsed)
      throw new AdminHttpError(400, `Filter ${field.name} takes a key of ${field.relation?.targetName ?? 'the related row'}: ${parsed.problem}`);
    return { field, value: parsed.value };
  }
  const choices = field.type === 'boolean' ? ['true', 'false'] : field.choices!.map(String);
  if (!choices.includes(text)) throw new AdminHttpError(400, `Filter ${field.name} takes one of ${choices.join(', ')}, not "${text}".`);
  return { field, value: field.type === 'boolean' ? text === 'true' : field.choices!.find((choice) => String(choice) === text) };
}

/** Refuses a foreign-key filter whose key names no related row (a bound-value lookup on the related table). */
export async function checkFilterKeys(request: ListRequest): Promise<void> {
  for (const { field, lookup, value } of request.filters) {
    const target = field.relation?.target;
    if (!target || lookup) continue;
    if (!(await target.query.filter({ pk: value }).exists()))
      throw new AdminHttpError(400, `Filter ${field.name}: there is no ${target.meta.name} with key ${String(value)}.`);
  }
}

/** The queryset of a table page, before pagination: filters, search (OR over string fields), order. */
export function listQuerySet(model: ModelClass, request: ListRequest): QuerySet<BaseModel> {
  const meta = model.meta;
  let qs = model.query.all() as QuerySet<BaseModel>;
  for (const { field, lookup, value } of request.filters) qs = qs.filter({ [lookup ? `${field.name}__${lookup}` : field.name]: value });
  const searched = searchFields(meta);
  if (request.search && searched.length) {
    qs = qs.filter(Q.or(...searched.map((field) => ({ [`${field.name}__icontains`]: request.search }))));
  }
  // A stable order keeps offset pagination from repeating or skipping rows between pages.
  const keyOrder = meta.compositeKey ?? [meta.pkName];
  return request.order ? qs.orderBy(request.order, ...keyOrder) : qs.orderBy(...keyOrder);
}
