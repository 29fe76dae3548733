import type { IntrospectedTable } from '../dialects/introspection';
import type { CodegenDialect } from './codegen/field-options';
import { planClasses, planFields, planJoins, planReverseNames } from './codegen/plan';
import { render } from './codegen/render';

export { pascalCase, plural } from './codegen/names';

/** Options of `generateModels`. */
export interface GenerateOptions {
  /** Module the generated file imports `registry` from (default `./registry`). */
  registryImport?: string;
  /** Package the decorators come from (default `keelson`). */
  packageName?: string;
  /** A line for the header comment (e.g. where the tables came from). */
  source?: string;
  /**
   * The dialect the tables were read from: options a column needs only there (a datetime's precision) are
   * written when keelson's default would not give the live type, and a column whose live type no field
   * options give is marked (the schema diff will report it).
   */
  dialect?: CodegenDialect;
}

/**
 * Writes TypeScript model source for introspected tables: one `@Model` class per table, properties named
 * after the columns, foreign keys as `@ForeignKey` with string targets and explicit, clash-free
 * `relatedName`s, and join tables as a through model plus a `@ManyToMany` on the first side.
 */
export function generateModels(tables: readonly IntrospectedTable[], options: GenerateOptions = {}): string {
  const { plans, byTable, skipped } = planClasses(tables);
  // Fields of every class first: join tables and reverse names need every class's fields.
  for (const plan of plans) planFields(plan, byTable);
  planJoins(plans);
  planReverseNames(plans);
  const header = { registryImport: options.registryImport ?? './registry', pkg: options.packageName ?? 'keelson', source: options.source, skipped };
  return render(plans, header, options.dialect);
}
