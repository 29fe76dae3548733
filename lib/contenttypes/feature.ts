import { registerFeature } from '../registry/features';
import { attachContentType, contentTypeModelFor, wantsContentType } from './setup';

// `withContentType` declares (or shares) the content type model when the registry is made; every model
// registered afterwards that wants one gets its `content_type` key before the callbacks waiting for it run.
registerFeature({
  name: 'contentTypes',
  construct(registry) {
    const option = registry.options.withContentType;
    if (option) registry.contentType = contentTypeModelFor(registry, option);
  },
  adopt(registry, meta) {
    if (wantsContentType(meta, registry.contentType)) attachContentType(meta, registry.contentType!);
  },
});
