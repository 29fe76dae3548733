import { BASE, REFLECTED } from '../metadata/inheritance';
import { BaseModel } from '../models/base-model';

/**
 * The base of reflected models: `@Model({ reflect: true, tablename: 'legacy' }) class Legacy extends
 * ReflectModel {}`. Its columns come from the live table when the registry connects (declared fields may
 * cover part of it); it lands in `registry.reflected`, and `createAll` / `dropAll` never touch its table.
 * Subclasses are reflected even without `reflect: true` (pass `reflect: false` to opt out).
 */
export abstract class ReflectModel extends BaseModel {
  static override readonly [BASE] = true;
  static readonly [REFLECTED] = true;
}

/**
 * The base of pattern (template) models: `@Model({ pattern: { include: /^log_/ } }) class Logs extends
 * AutoReflectModel {}`. At `connect()` every live table matching the pattern becomes a reflected model
 * (a subclass of the pattern model) in `registry.reflected`; the pattern model itself sits in
 * `registry.patternModels`.
 */
export abstract class AutoReflectModel extends ReflectModel {
  static override readonly [BASE] = true;
}
