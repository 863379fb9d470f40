// Lets Node run a script that imports a lib as @app/<lib> (tsconfig.json's paths): resolves it to
// libs/<lib>/src/index.ts. Load it after libs/contracts/src/cli/resolve-ts.mjs, which finds the .ts file behind each
// './x.js' import inside the lib:
//   node --import ./libs/contracts/src/cli/resolve-ts.mjs --import ./scripts/lib/app-paths.mjs <script>.ts
import { registerHooks } from 'node:module';

const LIBS = new URL('../../libs/', import.meta.url);

registerHooks({
  resolve(specifier, context, nextResolve) {
    const lib = /^@app\/([a-z-]+)$/.exec(specifier)?.[1];
    return nextResolve(lib === undefined ? specifier : new URL(`${lib}/src/index.ts`, LIBS).href, context);
  },
});
