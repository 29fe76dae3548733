import type { ModelClass } from '../metadata/types';
import { IntegrityError } from '../errors';
import { blockersOf, cascadeOf } from './cascade';
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
    try {
      await instance.delete();
    } catch (error) {
      // A key that refuses the delete (RESTRICT, NO ACTION) is the user's to resolve, not a server fault.
      if (error instanceof IntegrityError)
        throw new AdminHttpError(409, `Other rows still refer to this ${meta.name}, so the database refused to delete it; change or delete them first.`);
      throw error;
    }
    return redirect(ctx.res, table);
  }
  const [cascade, blockers] = await Promise.all([cascadeOf(instance), blockersOf(instance)]);
  const list = cascade.length
    ? html`<p>Deleting it also deletes, through ON DELETE CASCADE:</p>
        <ul>
          ${cascade.map(
            (entry) =>
              html`<li${entry.depth > 1 ? html` style="margin-left:1.5rem"` : ''}>${entry.count} ${entry.model} row${entry.count === 1 ? '' : 's'} (by ${entry.model}.${entry.field})</li>`,
          )}
        </ul>`
    : html`<p>No other rows are deleted with it.</p>`;
  const blocked = html`<p class="error">It cannot be deleted while these rows refer to it (ON DELETE RESTRICT); change or delete them first:</p>
    <ul>
      ${blockers.map((entry) => html`<li>${entry.count} ${entry.model} row${entry.count === 1 ? '' : 's'} (by ${entry.model}.${entry.field})</li>`)}
    </ul>
    <p><a href="${table}">Back to the ${meta.name} table</a></p>`;
  const form = ctx.options.readOnly
    ? html`<p class="notice">Read-only: rows cannot be deleted.</p>`
    : blockers.length
      ? blocked
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
