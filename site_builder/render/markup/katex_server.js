#!/usr/bin/env node
// Renders TeX to HTML with KaTeX for site_builder, one formula per request.
//
// Usage: node katex_server.js /path/to/katex.min.js
//
// Protocol: line-delimited JSON. After loading KaTeX the server writes one
// greeting line, {"ready": true, "katex": "<version>"}. Then each request line
// {"id": N, "tex": "...", "display": bool} gets exactly one response line,
// {"id": N, "html": "..."} or {"id": N, "error": "...", "raw": "...", "position": P}
// (position is KaTeX's 0-based offset into tex, or null). Nothing else is ever
// written to stdout; diagnostics go to stderr. The server exits when stdin closes.
"use strict";

const path = require("path");
const readline = require("readline");

// Fixed options: the output must depend on the TeX alone (deterministic builds).
const OPTIONS = Object.freeze({
  throwOnError: true,
  output: "htmlAndMathml", // MathML for screen readers, HTML for the eye
  strict: "ignore", // LaTeX-compatibility warnings would only add noise to stderr
  trust: false, // no \href, \url, \includegraphics or raw class/style from authors
});

function loadKatex(script) {
  if (!script) {
    process.stderr.write("usage: node katex_server.js /path/to/katex.min.js\n");
    process.exit(2);
  }
  return require(path.resolve(script));
}

function render(katex, request) {
  const options = Object.assign({}, OPTIONS, { displayMode: Boolean(request.display) });
  try {
    return { id: request.id, html: katex.renderToString(String(request.tex), options) };
  } catch (err) {
    const isParseError = err instanceof katex.ParseError;
    return {
      id: request.id,
      error: String(err && err.message ? err.message : err),
      raw: isParseError ? err.rawMessage : null,
      position: isParseError && typeof err.position === "number" ? err.position : null,
    };
  }
}

function answer(katex, line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (err) {
    return { id: null, error: "katex_server: request is not JSON: " + err.message };
  }
  return render(katex, request);
}

function main() {
  const katex = loadKatex(process.argv[2]);
  process.stdout.write(JSON.stringify({ ready: true, katex: katex.version }) + "\n");
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    process.stdout.write(JSON.stringify(answer(katex, line)) + "\n");
  });
  lines.on("close", () => process.exit(0));
}

main();
