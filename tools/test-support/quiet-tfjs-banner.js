// Vitest setup file (every package's config loads it): drops tfjs-backend-cpu's one-time
// "Hi, looks like you are running TensorFlow.js in Node.js ... install our node backend" banner.
// `initBackend()` silences it for users; many tests set the cpu backend themselves instead, and
// the banner, printed once per test file, only buries the real output. Every other warning passes.
const BANNER = 'Hi, looks like you are running TensorFlow.js in Node.js';
const warn = console.warn.bind(console);
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes(BANNER)) return;
  warn(...args);
};
