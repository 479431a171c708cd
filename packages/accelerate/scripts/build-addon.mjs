#!/usr/bin/env node
// Placeholder until the gloo addon lands: the install step must never fail.
console.log('@ner/accelerate: gloo addon not built (placeholder build script)');
