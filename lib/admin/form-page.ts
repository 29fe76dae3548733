import type { ModelClass } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { href, type AdminContext } from './context';
import { fieldRow, manyToManyRow } from './form-fields';
import { saveForm } from './form-save';
import { defaultsOf, enteredOf, loadChoices, loadSuggestions, searchTexts, type FormState } from './form-state';
import { parseForm } from './form-values';
import { html } from './html';
import { AdminHttpError, readForm, redirect, sendHtml } from './http';
import { csrfInput, layout } from './layout';
import { formFields, hasSingleKey, rowLabel } from './models';

/** The row a URL key names; a key that is not of the key's type, or names no row, is a 404. */
export async function findInstance(model: ModelClass, keyText: string): Promise<BaseModel> {
  const meta = model.meta;
  const pkField = meta.fields.get(meta.pkName)!;
  const numeric = ['smallint', 'integer', 'bigint'].includes(pkField.type);
  if (numeric && !/^-?\d+$/.test(keyText)) throw new AdminHttpError(404, `"${keyText}" is not a ${meta.name} key: keys of ${meta.name} are whole numbers.`);
  const key = numeric && Number.isSafeInteger(Number(keyText)) ? Number(keyText) : keyText;
  const found = await model.query.getOrNone({ pk: key });
  if (!found) throw new AdminHttpError(404, `There is no ${meta.name} with key ${keyText}; it may have been deleted. Go back to the ${meta.name} table.`);
  return found;
}

/** The form page of a new row (no instance) or of a saved one. */
function renderForm(ctx: AdminContext, model: ModelClass, state: FormState, status: number, instance?: BaseModel): void {
  const meta = model.meta;
  const name = encodeURIComponent(meta.name);
  const disabled = ctx.options.readOnly;
  const rows = [...formFields(meta).map((f) => fieldRow(f, state, disabled)), ...[...meta.manyToMany.values()].map((m) => manyToManyRow(m, state, disabled))];
  // Messages of fields the form has no input for (and of the row as a whole) go above the form.
  const shown = new Set([...formFields(meta).map((f) => f.name), ...meta.manyToMany.keys()]);
  const general = Object.entries(state.errors)
    .filter(([field]) => !shown.has(field))
    .flatMap(([, messages]) => messages.map((m) => html`<p class="error">${m}</p>`));
  const action = instance ? href(ctx, `/${name}/${encodeURIComponent(String(instance.pk))}/`) : href(ctx, `/${name}/add`);
  const deleteLink =
    instance && !disabled ? html` <a class="button danger" href="${href(ctx, `/${name}/${encodeURIComponent(String(instance.pk))}/delete`)}">Delete</a>` : '';
  const buttons = disabled ? html`<p class="notice">Read-only: changes are not accepted.</p>` : html`<p><button type="submit">Save</button>${deleteLink}</p>`;
  const body = html`<p><a href="${href(ctx, `/${name}/`)}">← ${meta.name} table</a></p>
    ${general}
    <form method="post" action="${action}">${csrfInput(ctx)}${rows}${buttons}</form>
    ${[...(state.suggestions?.keys() ?? [])].map((field) => html`<form id="find_${field}" method="get" action="${action}"></form>`)}`;
  const title = instance ? `Edit ${rowLabel(meta, instance)}` : `Add ${meta.name}`;
  sendHtml(ctx.res, status, layout(ctx, title, body));
}

/** GET shows and POST saves the form of `/<Model>/add` (no key) or `/<Model>/<key>/`. */
export async function formPage(ctx: AdminContext, model: ModelClass, keyText?: string): Promise<void> {
  const meta = model.meta;
  if (!hasSingleKey(meta)) throw new AdminHttpError(404, `${meta.name} rows have no single key, so they can be listed but not opened or edited.`);
  const texts = searchTexts(meta, ctx.url.searchParams);
  const instance = keyText === undefined ? undefined : await findInstance(model, keyText);
  const choices = await loadChoices(meta);
  const suggestions = await loadSuggestions(meta, texts, choices);
  if (ctx.req.method !== 'POST') {
    const entered = instance ? await enteredOf(meta, instance) : defaultsOf(meta);
    return renderForm(ctx, model, { entered, errors: {}, choices, suggestions }, 200, instance);
  }
  const parsed = parseForm(meta, ctx.form ?? (await readForm(ctx.req)), !instance);
  const errors = Object.keys(parsed.errors).length ? parsed.errors : await saveForm(model, parsed, instance);
  if (errors) return renderForm(ctx, model, { entered: parsed.entered, errors, choices, suggestions }, 400, instance);
  redirect(ctx.res, href(ctx, `/${encodeURIComponent(meta.name)}/`));
}
