// Builds webapp/static/govuk from GOV.UK Frontend: our Sass (system fonts) and the JS bundle.
// The crown, logo images and GDS Transport fonts are deliberately not copied.
import * as sass from "sass";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "webapp", "static", "govuk");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(here, "scss", "app.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.min.css"), result.css);
copyFileSync(
  join(here, "node_modules", "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"),
  join(out, "govuk-frontend.min.js"),
);
console.log(`built ${out}: app.min.css (${result.css.length} bytes), govuk-frontend.min.js`);

// The API's browsable documentation (/api/v1/docs): Swagger UI, served by the app, never from a CDN.
const swaggerOut = join(here, "..", "webapp", "static", "swagger-ui");
mkdirSync(swaggerOut, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) {
  copyFileSync(join(here, "node_modules", "swagger-ui-dist", name), join(swaggerOut, name));
}
console.log(`copied Swagger UI into ${swaggerOut}`);
