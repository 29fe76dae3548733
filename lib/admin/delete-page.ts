import type { ModelClass } from '../metadata/types';
import { cascadeOf } from './cascade';
import { href, type AdminContext } from './context';
import { findInstance } from './form-page';
import { html } from './html';
import { AdminHttpError, redirect, sendHtml } from './http';
import { csrfInput, layout } from './layout';
import { hasSingleKey, rowLabel } from './models';

/** GET asks to confirm (listing what ON DELETE CASCADE removes with the row), POST deletes `/<Model>/<key>/delete`. */
export async function deletePage(ctx: AdminContext, model: ModelClass, keyText: string): Promise<void> {
  const meta = model.meta;
  if (!hasSingleKey(meta)) throw new AdminHttpError(404, `${meta.name} rows have no single key, so they cannot be deleted from the admin.`);
  const instance = await findInstance(model, keyText);
  const table = href(ctx, `/${encodeURIComponent(meta.name)}/`);
  if (ctx.req.method === 'POST') {
    await instance.delete();
    return redirect(ctx.res, table);
  }
  const cascade = await cascadeOf(instance);
  const list = cascade.length
    ? html`<p>Deleting it also deletes, through ON DELETE CASCADE:</p>
        <ul>
          ${cascade.map(
            (entry) =>
              html`<li${entry.depth > 1 ? html` style="margin-left:1.5rem"` : ''}>${entry.count} ${entry.model} row${entry.count === 1 ? '' : 's'} (by ${entry.model}.${entry.field})</li>`,
          )}
        </ul>`
    : html`<p>No other rows are deleted with it.</p>`;
  const form = ctx.options.readOnly
    ? html`<p class="notice">Read-only: rows cannot be deleted.</p>`
    : html`<form method="post" action="${href(ctx, `/${encodeURIComponent(meta.name)}/${encodeURIComponent(keyText)}/delete`)}">
        ${csrfInput(ctx)}<button class="danger" type="submit">Yes, delete</button> <a href="${table}">Cancel</a>
      </form>`;
  const label = rowLabel(meta, instance);
  sendHtml(
    ctx.res,
    200,
    layout(
      ctx,
      `Delete ${label}?`,
      html`<p>You are about to delete ${meta.name} “${label}”.</p>
        ${list}${form}`,
    ),
  );
}
