import type { FieldMeta, ManyToManyMeta } from '../metadata/types';
import { html, type SafeHtml } from './html';
import type { Choice, FormState } from './form-state';

/** Messages of one field, shown under its input. */
function messages(state: FormState, name: string): SafeHtml {
  const list = state.errors[name] ?? [];
  return html`${list.map((m) => html`<p class="error" id="err-${name}">${m}</p>`)}`;
}

/** `<option>`s with the entered values selected. */
function options(choices: readonly Choice[], selected: readonly string[]): SafeHtml[] {
  return choices.map((c) => html`<option value="${c.value}" ${selected.includes(c.value) ? html` selected` : ''}>${c.label}</option>`);
}

const text = (state: FormState, name: string): string => {
  const value = state.entered[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/** The HTML input type and attributes of a scalar field. */
function inputAttributes(field: FieldMeta): SafeHtml {
  switch (field.type) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return html`type="number" step="1"`;
    case 'float':
      return html`type="number" step="any"`;
    case 'decimal':
      return html`type="text" inputmode="decimal"`;
    case 'date':
      return html`type="date"`;
    case 'datetime':
      return html`type="datetime-local" step="1"`;
    case 'time':
      return html`type="time" step="1"`;
    default:
      return field.maxLength ? html`type="text" maxlength="${field.maxLength}"` : html`type="text"`;
  }
}

/**
 * A foreign key typed in as its key, with a datalist of suggested rows and a "Find" search that reloads the page
 * with `?search_<field>=`; the search inputs belong to a GET form outside the POST form (forms cannot nest).
 */
function keyInput(field: FieldMeta, state: FormState, value: string, off: SafeHtml | string): SafeHtml {
  const id = `id_${field.name}`;
  const suggestions = state.suggestions?.get(field.name);
  const hint = html`<small>key of the related ${field.relation?.targetName ?? 'row'}</small>`;
  if (!suggestions) return html`<input id="${id}" name="${field.name}" type="text" value="${value}" ${off} /> ${hint}`;
  const list = suggestions.map((c) => html`<option value="${c.value}">${c.label}</option>`);
  return html`<input id="${id}" name="${field.name}" type="text" list="dl_${field.name}" value="${value}" ${off} /> ${hint}
    <datalist id="dl_${field.name}">${list}</datalist>
    <label for="search_${field.name}">Find ${field.name}</label
    ><input id="search_${field.name}" name="search_${field.name}" type="search" form="find_${field.name}" />
    <button type="submit" form="find_${field.name}">Find</button>`;
}

/** The control of one field (without its label), chosen by type. */
function control(field: FieldMeta, state: FormState, disabled: boolean): SafeHtml {
  const id = `id_${field.name}`;
  const off = disabled ? html` disabled` : '';
  const value = text(state, field.name);
  const choices = state.choices.get(field.name);
  const empty = field.nullable ? html`<option value="">—</option>` : html`<option value="">(choose)</option>`;
  if (field.secret)
    return html`<input id="${id}" name="${field.name}" type="password" autocomplete="new-password" value="" ${off} />
      <small>write-only: leave empty to keep the current value</small>`;
  if (field.relation && choices)
    return html`<select id="${id}" name="${field.name}" ${off}>
      ${empty}${options(choices, [value])}
    </select>`;
  if (field.relation) return keyInput(field, state, value, off);
  if (field.type === 'enum' && field.choices) {
    const list = field.choices.map((c) => ({ value: String(c), label: String(c) }));
    return html`<select id="${id}" name="${field.name}" ${off}>
      ${empty}${options(list, [value])}
    </select>`;
  }
  if (field.type === 'boolean')
    return html`<input id="${id}" name="${field.name}" type="checkbox" value="on" ${value === 'true' ? html` checked` : ''}${off} />`;
  if (field.type === 'json' || field.type === 'array' || field.type === 'text')
    return html`<textarea id="${id}" name="${field.name}" ${off}>${value}</textarea>`;
  return html`<input id="${id}" name="${field.name}" ${inputAttributes(field)} value="${value}" ${off} />`;
}

/** A labelled field of the form with its messages. */
export function fieldRow(field: FieldMeta, state: FormState, disabled: boolean): SafeHtml {
  const label = html`<label for="id_${field.name}">${field.name}${field.nullable || field.type === 'boolean' ? '' : ' *'}</label>`;
  if (field.type === 'boolean' && !field.secret)
    return html`<div class="check">${control(field, state, disabled)} ${label}${messages(state, field.name)}</div>`;
  return html`<div>${label}${control(field, state, disabled)}${messages(state, field.name)}</div>`;
}

/** A many-to-many field as a multi-select of the related rows (or a comma-separated list of keys when there are many). */
export function manyToManyRow(m2m: ManyToManyMeta, state: FormState, disabled: boolean): SafeHtml {
  const id = `id_${m2m.name}`;
  const off = disabled ? html` disabled` : '';
  const selected = ([] as string[]).concat(state.entered[m2m.name] ?? []);
  const choices = state.choices.get(m2m.name);
  const input = choices
    ? html`<select id="${id}" name="${m2m.name}" multiple size="${Math.min(8, Math.max(3, choices.length))}" ${off}>
        ${options(choices, selected)}
      </select>`
    : html`<input id="${id}" name="${m2m.name}" type="text" value="${selected.join(', ')}" ${off} />
        <small>keys of the related rows, separated by commas</small>`;
  return html`<div><label for="${id}">${m2m.name}</label>${input}${messages(state, m2m.name)}</div>`;
}
