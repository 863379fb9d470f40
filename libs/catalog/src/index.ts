import { CATALOG } from './catalog.domain.js';
import { CatalogModule } from './catalog.module.js';

export { CATALOG, CatalogModule };
export const catalogDomain = { domain: CATALOG, module: CatalogModule };
