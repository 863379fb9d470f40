// `npm run build:portal [-- --api-url https://api.example.com] [--base-path /] [--out dist/portal]`: the example
// portal as static files a provider can host on its own domain. Its web server answers every path under the base
// path that is no file with index.html (mails link to /verify-email and /services/<id>/credentials), STOREFRONT_URL
// is the host followed by the base path, and the API's CORS_ORIGINS lists the host's origin.
import { parseArgs } from 'node:util';
import { assetDirectories } from '@app/platform';
import { readPortalFiles } from './portal-assets.service.js';
import { writeStaticPortal } from './static-build.js';

const { values } = parseArgs({
  options: {
    'api-url': { type: 'string', default: '' },
    'base-path': { type: 'string', default: '/' },
    out: { type: 'string', default: 'dist/portal' },
  },
});
const files = await readPortalFiles(assetDirectories(import.meta.url));
if (!files) {
  process.stderr.write(
    'build:portal: the portal files were not found; run it from a checkout after npm run build\n',
  );
  process.exit(1);
}
for (const written of writeStaticPortal(values.out, files, {
  apiUrl: values['api-url'],
  basePath: values['base-path'],
})) {
  process.stdout.write(`${written}\n`);
}
