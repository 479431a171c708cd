/** Loads every kernel file (each adds its kernels to the registry). */
import './elementwise.js';
import './adamw.js';
import './fused.js';
import './gather-scatter.js';
import './matmul.js';
import './random.js';
import './reduce.js';
import './shape.js';
import './softmax.js';
import './sum-squares.js';
import './transpose.js';
