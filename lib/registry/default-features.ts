// The features every registry has. Imported for their side effect (each registers itself), by the registry
// module, so `new Registry(…)` from any entry point has them while the class itself imports none.
import '../migrations/automigrate';
import '../reflection/feature';
import '../contenttypes/feature';
