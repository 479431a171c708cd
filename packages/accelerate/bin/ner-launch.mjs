#!/usr/bin/env node
// Committed shim: package managers link a bin at install time, before `dist/` is built in a
// fresh workspace clone; a bin pointing straight into dist/ would be skipped ("not found").
import '../dist/ner-launch.js';
