import type { FieldMeta, ModelClass } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { href, type AdminContext } from './context';
import { cellText } from './cells';
import { html, type SafeHtml } from './html';
import { sendHtml } from './http';
import { layout } from './layout';
import { relatedChoices, type Choice } from './form-state';
import { checkFilterKeys, listQuerySet, parseListRequest, type ListRequest } from './list-query';
import { filterFields, hasSingleKey, isKeyFilter, isRangeFilter, listFields, searchFields } from './models';

/** The page's query string with some parameters changed (empty values dropped). */
function withParams(params: URLSearchParams, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  return text ? `?${text}` : '?';
}

/** A column header that sorts by the field, flipping direction when it already does. */
function header(params: URLSearchParams, request: ListRequest, field: FieldMeta): SafeHtml {
  const ascending = request.order === field.name;
  const mark = ascending ? ' ▲' : request.order === `-${field.name}` ? ' ▼' : '';
  return html`<th><a href="${withParams(params, { o: ascending ? `-${field.name}` : field.name, page: undefined })}">${field.name}${mark}</a></th>`;
}

/** A select of values (or, without options, a key input) for one equality filter. */
function selectFilter(name: string, label: string, current: string, choices: Choice[] | undefined): SafeHtml {
  if (!choices) return html`<div><label for="${name}">${label} (key)</label><input id="${name}" name="${name}" type="text" value="${current}" /></div>`;
  const options = choices.map((c) => html`<option value="${c.value}" ${current === c.value ? html` selected` : ''}>${c.label}</option>`);
  return html`<div>
    <label for="${name}">${label}</label
    ><select id="${name}" name="${name}">
      <option value="">all</option>
      ${options}
    </select>
  </div>`;
}

/** "from" and "to" inputs of a date or datetime filter. */
function rangeFilter(field: FieldMeta, params: URLSearchParams): SafeHtml {
  const type = field.type === 'date' ? html`type="date"` : html`type="datetime-local" step="1"`;
  return html`${(['gte', 'lte'] as const).map((lookup) => {
    const name = `f_${field.name}__${lookup}`;
    return html`<div>
      <label for="${name}">${field.name} ${lookup === 'gte' ? 'from' : 'to'}</label
      ><input id="${name}" name="${name}" ${type} value="${params.get(name) ?? ''}" />
    </div>`;
  })}`;
}

/** The search box and filter inputs, as one GET form; `related` holds the options of foreign-key filters. */
function toolbar(model: ModelClass, params: URLSearchParams, request: ListRequest, related: Map<string, Choice[] | undefined>): SafeHtml {
  const meta = model.meta;
  const search = searchFields(meta).length
    ? html`<div><label for="q">Search</label><input id="q" name="q" type="search" value="${request.search}" /></div>`
    : '';
  const filters = filterFields(meta).map((field) => {
    if (isRangeFilter(field)) return rangeFilter(field, params);
    const current = params.get(`f_${field.name}`) ?? '';
    if (isKeyFilter(field)) return selectFilter(`f_${field.name}`, field.name, current, related.get(field.name));
    const choices = field.type === 'boolean' ? ['true', 'false'] : field.choices!.map(String);
    return selectFilter(
      `f_${field.name}`,
      field.name,
      current,
      choices.map((c) => ({ value: c, label: c })),
    );
  });
  const order = request.order ? html`<input type="hidden" name="o" value="${request.order}" />` : '';
  if (!search && !filters.length) return html``;
  return html`<form method="get" class="bar">${search}${filters}${order}<button type="submit">Apply</button></form>`;
}

/** Options of each foreign-key filter, by field name (undefined when the related table is too large to list). */
async function filterChoices(model: ModelClass): Promise<Map<string, Choice[] | undefined>> {
  const related = new Map<string, Choice[] | undefined>();
  for (const field of filterFields(model.meta).filter(isKeyFilter)) related.set(field.name, await relatedChoices(field.relation!.target!));
  return related;
}

/** Links to every page near the current one. */
function pager(params: URLSearchParams, page: number, pages: number): SafeHtml {
  if (pages <= 1) return html``;
  const links: SafeHtml[] = [];
  for (let n = 1; n <= pages; n++) {
    if (n !== 1 && n !== pages && Math.abs(n - page) > 3) continue;
    links.push(n === page ? html`<strong>${n}</strong>` : html`<a href="${withParams(params, { page: String(n) })}">${n}</a>`);
  }
  return html`<nav class="pages" aria-label="Pages">${links}</nav>`;
}

/** One table row; the first cell links to the row's form when rows have a single key. */
function tableRow(ctx: AdminContext, model: ModelClass, fields: FieldMeta[], row: BaseModel): SafeHtml {
  const values = row as unknown as Record<string, unknown>;
  const editable = hasSingleKey(model.meta);
  const cells = fields.map((field, i) => {
    const text = cellText(field, values[field.attname]);
    if (i === 0 && editable)
      return html`<td><a href="${href(ctx, `/${encodeURIComponent(model.meta.name)}/${encodeURIComponent(String(row.pk))}/`)}">${text}</a></td>`;
    const target = field.relation?.target;
    const key = values[field.attname];
    if (target && key !== null && key !== undefined && hasSingleKey(target.meta) && !target.meta.isThrough)
      return html`<td><a href="${href(ctx, `/${encodeURIComponent(target.meta.name)}/${encodeURIComponent(String(key))}/`)}">${text}</a></td>`;
    return html`<td>${text}</td>`;
  });
  return html`<tr>
    ${cells}
  </tr>`;
}

/** GET `/<Model>/`: the paginated, sortable, searchable table of rows. */
export async function listPage(ctx: AdminContext, model: ModelClass): Promise<void> {
  const meta = model.meta;
  const params = ctx.url.searchParams;
  const request = parseListRequest(model, params);
  await checkFilterKeys(request);
  const qs = listQuerySet(model, request);
  const size = ctx.options.pageSize;
  const total = await qs.count();
  const pages = Math.max(1, Math.ceil(total / size));
  const rows = await qs.offset((request.page - 1) * size).limit(size);
  const fields = listFields(meta);
  const add =
    !ctx.options.readOnly && hasSingleKey(meta)
      ? html`<p><a class="button" href="${href(ctx, `/${encodeURIComponent(meta.name)}/add`)}">Add ${meta.name}</a></p>`
      : '';
  const table = rows.length
    ? html`<table>
        <thead>
          <tr>
            ${fields.map((f) => header(params, request, f))}
          </tr>
        </thead>
        <tbody>
          ${rows.map((r) => tableRow(ctx, model, fields, r))}
        </tbody>
      </table>`
    : html`<p>No ${meta.name} rows match.</p>`;
  const body = html`${add}${toolbar(model, params, request, await filterChoices(model))}
    <p>${total} row${total === 1 ? '' : 's'}</p>
    ${table}${pager(params, request.page, pages)}`;
  sendHtml(ctx.res, 200, layout(ctx, meta.name, body));
}
