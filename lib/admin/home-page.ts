import type { ModelClass } from '../metadata/types';
import { href, type AdminContext } from './context';
import { html } from './html';
import { sendHtml } from './http';
import { layout } from './layout';
import { adminModels } from './models';

/** GET `/`: every model, grouped by database alias, with its row count. */
export async function homePage(ctx: AdminContext): Promise<void> {
  const groups = new Map<string, ModelClass[]>();
  for (const model of adminModels(ctx.registry)) {
    const alias = model.meta.database;
    groups.set(alias, [...(groups.get(alias) ?? []), model]);
  }
  const sections = [];
  for (const [alias, models] of [...groups].sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)))) {
    // One table that cannot be counted (dropped since start, unreachable alias) must not hide the others.
    const counts = await Promise.all(models.map((model) => model.query.count().catch(() => 'unavailable')));
    const rows = models.map(
      (model, i) =>
        html`<tr>
          <td><a href="${href(ctx, `/${encodeURIComponent(model.meta.name)}/`)}">${model.meta.name}</a></td>
          <td>${counts[i]}</td>
        </tr>`,
    );
    sections.push(
      html`<h2>Database ${alias}</h2>
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th>Rows</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`,
    );
  }
  sendHtml(ctx.res, 200, layout(ctx, 'Models', sections.length ? html`${sections}` : html`<p>This registry has no models.</p>`));
}
